// Package kafka wraps sarama: a client from configuration, partitions and
// offsets (by time too), and reading an offset range of one partition
// exactly once.
package kafka
