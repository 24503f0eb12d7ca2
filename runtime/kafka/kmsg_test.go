package kafka_test

import "github.com/twmb/franz-go/pkg/kmsg"

type (
	kmsgRequest  = kmsg.Request
	kmsgResponse = kmsg.Response
)

func fetchMaxWait(r kmsg.Request) int32 { return r.(*kmsg.FetchRequest).MaxWaitMillis }
