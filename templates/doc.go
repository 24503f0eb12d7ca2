// Package templates holds the AWS SAM template that deploys the connector as
// a provided.al2023 Lambda function (athena-kafka.yaml). Its test checks the
// template against the variables the binary reads and the Java connector's
// template parameters.
package templates
