//go:build integration

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	lambdatest "github.com/athena-kafka/athena-kafka/test/lambda"
)

// TestBadConfiguration: a function started with a missing or invalid setting fails its init phase at
// once, and the error names the variable.
//
// What the emulator shows (as Lambda does): the bootstrap exits during init, and the invocation
// answers HTTP 502 with an empty body (Runtime.ExitError); the message naming the variable is in the
// function's log (CloudWatch in AWS). A runtime that posts the message to the Runtime API's
// /runtime/init/error gets it into the 502 body as {"errorMessage","errorType"}; the test checks that
// body too whenever it is there.
func TestBadConfiguration(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name string
		env  []string
		want []string // what the error must name
	}{
		{"missing kafka_endpoint", []string{"kafka_endpoint="}, []string{"kafka_endpoint"}},
		{"bad auth_type", []string{"auth_type=KERBEROS"}, []string{"auth_type", `"KERBEROS"`, "SASL_SSL_SCRAM_SHA512"}},
		{"SASL without a secret", []string{"auth_type=SASL_SSL_PLAIN", "secrets_manager_secret="}, []string{"secrets_manager_secret"}},
		{"both at once", []string{"kafka_endpoint=", "auth_type=nope"}, []string{"kafka_endpoint", "auth_type"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fn := startFunction(t, w.env(tc.env...)...)
			for attempt := range 2 { // every invocation fails the same way, none hangs
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				began := time.Now()
				status, body, err := fn.emu.Invoke(ctx, []byte(`{"@type":"PingRequest","identity":{"id":"UNKNOWN","principal":"UNKNOWN","account":"123456789012","arn":"arn:aws:iam::123456789012:user/e2e","tags":{},"groups":[]},"catalogName":"kafka_e2e","queryId":"q1"}`))
				cancel()
				if err != nil {
					t.Fatalf("invoke %d: %v", attempt, err)
				}
				t.Logf("invoke %d: HTTP %d after %v, body %q", attempt, status, time.Since(began).Round(time.Millisecond), body)
				if status == 200 {
					t.Fatalf("invoke %d: HTTP 200 %s; want an init failure", attempt, body)
				}
				if fe, ok := lambdatest.ParseFunctionError(body); ok {
					for _, s := range tc.want {
						if !strings.Contains(fe.ErrorMessage, s) {
							t.Errorf("init error %q does not name %s", fe.ErrorMessage, s)
						}
					}
				} else if len(body) != 0 {
					t.Errorf("invoke %d: body %q is neither empty nor an error payload", attempt, body)
				}
			}
			log := fn.emu.Log()
			if !strings.Contains(log, "Runtime.ExitError") {
				t.Errorf("the emulator did not see the runtime exit during init")
			}
			var line string
			for _, l := range strings.Split(log, "\n") {
				if strings.Contains(l, `"invalid configuration"`) {
					line = l
					break
				}
			}
			if line == "" {
				t.Fatalf("no \"invalid configuration\" line in the function log")
			}
			for _, s := range tc.want {
				if !strings.Contains(line, strings.ReplaceAll(s, `"`, `\"`)) {
					t.Errorf("the logged error does not name %s: %s", s, line)
				}
			}
		})
	}
}
