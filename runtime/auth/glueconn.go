package auth

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
)

// GlueConnectionAPI is the part of the Glue client ApplyGlueConnection uses.
type GlueConnectionAPI interface {
	GetConnection(ctx context.Context, in *glue.GetConnectionInput, opts ...func(*glue.Options)) (*glue.GetConnectionOutput, error)
}

// ApplyGlueConnection returns the effective configuration when env names a
// Glue connection in glue_connection (the MSK connector's Glue-connection
// deployment), mapped as the Java MSK connector maps it:
//
//	CUSTOM_AUTH_TYPE                 -> auth_type
//	CERTIFICATE_S3_REFERENCE         -> certificates_s3_reference
//	AuthenticationConfiguration.SecretArn, as a secret name (the ARN's
//	last part without its "-xxxxxx" suffix) -> secrets_manager_secret
//	HOST ":" PORT                    -> kafka_endpoint
//	athena properties                -> copied, spill_kms_key_id renamed kms_key_id
//
// Values set in env override the connection's; empty ones count as unset.
// Without glue_connection it returns a copy of env and makes no call.
func ApplyGlueConnection(ctx context.Context, env map[string]string, client GlueConnectionAPI) (map[string]string, error) {
	name := strings.TrimSpace(env[EnvGlueConnection])
	if name == "" {
		return maps.Clone(env), nil
	}
	out, err := client.GetConnection(ctx, &glue.GetConnectionInput{Name: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", EnvGlueConnection, name, err)
	}
	c := out.Connection
	if c == nil {
		return nil, fmt.Errorf("%s %q: Glue returned no connection", EnvGlueConnection, name)
	}
	eff := map[string]string{EnvGlueConnection: name}
	for k, v := range c.AthenaProperties {
		if k == "spill_kms_key_id" {
			k = "kms_key_id"
		}
		eff[k] = v
	}
	props := c.ConnectionProperties
	eff[EnvAuthType] = props["CUSTOM_AUTH_TYPE"]
	eff[EnvCertificates] = props["CERTIFICATE_S3_REFERENCE"]
	if c.AuthenticationConfiguration != nil {
		eff[EnvSecret] = secretName(aws.ToString(c.AuthenticationConfiguration.SecretArn))
	}
	if host := props["HOST"]; host != "" {
		if port := props["PORT"]; port != "" {
			host += ":" + port
		}
		eff["kafka_endpoint"] = host
	}
	for k, v := range env {
		if v != "" {
			eff[k] = v
		}
	}
	for k, v := range eff {
		if v == "" {
			delete(eff, k)
		}
	}
	return eff, nil
}

// secretName turns a secret ARN into its name as the Java SDK does: the
// part after the last ':' without the last '-' and what follows (Secrets
// Manager's random suffix).
func secretName(arn string) string {
	if arn == "" {
		return ""
	}
	last := arn[strings.LastIndexByte(arn, ':')+1:]
	if i := strings.LastIndexByte(last, '-'); i >= 0 {
		return last[:i]
	}
	return last // no suffix: already a name (Java would give "")
}
