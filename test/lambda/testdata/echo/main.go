// Command echo is a throwaway Lambda used by test/lambda to prove the Runtime Interface Emulator works:
// it answers {"echo": <input.echo>, "env": <value of the variable named input.env>} or, when input.fail
// is set, fails with an error of type echoError whose message is input.fail.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

type request struct {
	Echo any    `json:"echo"`
	Env  string `json:"env"`
	Fail string `json:"fail"`
}

type response struct {
	Echo any    `json:"echo"`
	Env  string `json:"env"`
}

type echoError struct{ msg string }

func (e *echoError) Error() string { return e.msg }

func handle(_ context.Context, r request) (*response, error) {
	if r.Fail != "" {
		return nil, &echoError{r.Fail}
	}
	out := &response{Echo: r.Echo}
	if r.Env != "" {
		out.Env = os.Getenv(r.Env)
	}
	return out, nil
}

func main() { lambda.Start(handle) }
