// Package auth turns an auth_type and its secrets and certificates (Secrets
// Manager, S3: JKS, PKCS#12 and PEM) into a sarama and TLS configuration.
package auth
