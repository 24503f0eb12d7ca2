//go:build integration

package lambdatest

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"
)

const echoPort = 19181

func TestEchoUnderRIE(t *testing.T) {
	if _, err := Install(); err != nil {
		t.Fatal(err)
	}
	bootstrap, err := BuildBootstrap(t.TempDir(), "./test/lambda/testdata/echo")
	if err != nil {
		t.Fatal(err)
	}
	emu, err := Start(bootstrap, echoPort, "ECHO_TEST_VAR=passed through", "AWS_LAMBDA_FUNCTION_TIMEOUT=30")
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = emu.Stop()
		}
		if t.Failed() {
			t.Log(emu.Log())
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// 1. a normal answer, with the environment passed through to the function
	status, body, err := emu.Invoke(ctx, []byte(`{"echo":{"n":1,"s":["a","ü"]},"env":"ECHO_TEST_VAR"}`))
	if err != nil {
		t.Fatal(err)
	}
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var got struct {
		Echo struct {
			N int      `json:"n"`
			S []string `json:"s"`
		} `json:"echo"`
		Env string `json:"env"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if got.Echo.N != 1 || strings.Join(got.Echo.S, ",") != "a,ü" || got.Env != "passed through" {
		t.Fatalf("answer %s", body)
	}
	if _, isErr := ParseFunctionError(body); isErr {
		t.Fatalf("answer taken for an error: %s", body)
	}

	// 2. a function error: errorMessage and errorType, HTTP 200 as RIE sends it
	status, body, err = emu.Invoke(ctx, []byte(`{"fail":"boom: bad request"}`))
	if err != nil {
		t.Fatal(err)
	}
	fe, ok := ParseFunctionError(body)
	if status != 200 || !ok {
		t.Fatalf("status %d body %s, want a function error", status, body)
	}
	if fe.ErrorMessage != "boom: bad request" || fe.ErrorType != "echoError" {
		t.Fatalf("function error %+v", fe)
	}

	// 3. the same (warm) function answers again after an error
	_, body, err = emu.Invoke(ctx, []byte(`{"echo":"again"}`))
	if err != nil || string(body) != `{"echo":"again","env":""}` {
		t.Fatalf("third invocation: %v %s", err, body)
	}

	// 4. stop frees the port
	if err := emu.Stop(); err != nil {
		t.Fatal(err)
	}
	stopped = true
	if c, err := net.DialTimeout("tcp", "127.0.0.1:19181", time.Second); err == nil {
		c.Close()
		t.Fatal("port still open after stop")
	}
}
