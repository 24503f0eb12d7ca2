//go:build !nogenerated

package decode

// generatedEnabled is false under the nogenerated build tag, which routes
// every table through the fallback.
const generatedEnabled = true
