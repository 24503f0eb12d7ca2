package catalog

import (
	"sync"
	"time"
)

// cache keeps values for a time to live; a warm Lambda container answers
// the several calls of one query (GetTable, GetSplits, ReadRecords per
// split) from it instead of asking Glue each time.
type cache[V any] struct {
	ttl time.Duration // <= 0: nothing is kept
	now func() time.Time

	mu sync.Mutex
	m  map[string]cached[V]
}

type cached[V any] struct {
	v       V
	expires time.Time
}

func newCache[V any](ttl time.Duration, now func() time.Time) *cache[V] {
	return &cache[V]{ttl: ttl, now: now, m: map[string]cached[V]{}}
}

func (c *cache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || !c.now().Before(e.expires) {
		delete(c.m, key)
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *cache[V]) put(key string, v V) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = cached[V]{v: v, expires: c.now().Add(c.ttl)}
}
