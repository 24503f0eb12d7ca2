package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// SecretsAPI is the part of the Secrets Manager client auth uses.
type SecretsAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Credentials are the values of the secret (keys as in the Java
// connector). Empty means absent.
type Credentials struct {
	Username           string // username: SASL
	Password           string // password: SASL
	KeystorePassword   string // keystore_password: the client key store
	TruststorePassword string // truststore_password: the trust store
	KeyPassword        string // ssl_key_password: the private key in the key store
}

// ParseSecret reads a SecretString: a JSON object whose values are taken
// as text (numbers and booleans as written), as the Java connector does.
func ParseSecret(secretString string) (Credentials, error) {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader([]byte(secretString)))
	d.UseNumber()
	if err := d.Decode(&m); err != nil || m == nil {
		return Credentials{}, fmt.Errorf("the secret is not a JSON object with the keys username, password, keystore_password, truststore_password, ssl_key_password")
	}
	text := func(k string) string {
		switch v := m[k].(type) {
		case string:
			return v
		case json.Number:
			return v.String()
		case bool:
			return fmt.Sprint(v)
		}
		return ""
	}
	return Credentials{
		Username:           text("username"),
		Password:           text("password"),
		KeystorePassword:   text("keystore_password"),
		TruststorePassword: text("truststore_password"),
		KeyPassword:        text("ssl_key_password"),
	}, nil
}

// secretCache holds each secret read in this process: a Lambda container
// reads its secret once, not per split as the Java connector did.
var secretCache sync.Map // secret id -> Credentials

// FetchSecret reads the secret id from Secrets Manager, once per process.
func FetchSecret(ctx context.Context, client SecretsAPI, id string) (Credentials, error) {
	if c, ok := secretCache.Load(id); ok {
		return c.(Credentials), nil
	}
	out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		return Credentials{}, fmt.Errorf("%s %q: %w", EnvSecret, id, err)
	}
	if out.SecretString == nil {
		return Credentials{}, fmt.Errorf("%s %q has no SecretString (binary secrets are not supported)", EnvSecret, id)
	}
	c, err := ParseSecret(*out.SecretString)
	if err != nil {
		return Credentials{}, fmt.Errorf("%s %q: %w", EnvSecret, id, err)
	}
	secretCache.Store(id, c)
	return c, nil
}
