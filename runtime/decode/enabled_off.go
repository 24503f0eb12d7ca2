//go:build nogenerated

package decode

const generatedEnabled = false
