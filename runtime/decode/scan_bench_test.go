package decode_test

import (
	"testing"

	"github.com/athena-kafka/athena-kafka/runtime/decode"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// BenchmarkJSONScanOnly is the cursor alone: every key read, every value
// scanned, nothing converted or appended.
func BenchmarkJSONScanOnly(b *testing.B) {
	msgs := benchMsgs(topic.JSON)
	b.SetBytes(int64(len(msgs[0])))
	b.ReportAllocs()
	var c decode.Cursor
	n := 0
	for i := 0; i < b.N; i++ {
		c.Reset(msgs[i%len(msgs)])
		if c.Enter() {
			for {
				n += len(c.Key())
				n += c.Value().End
				if !c.Next() {
					break
				}
			}
		}
		if !c.Finish() {
			b.Fatal("bad")
		}
	}
	_ = n
}
