// Command store_bench measures a frontier store at crawl scale: it queues
// many URLs over many hosts, closes and reopens the store, then drains it
// with concurrent workers at one request per host and no delay, and
// reports the enqueue, reopen and dequeue rates and the peak memory.
//
//	go run ./crawler/frontier/store_bench -store bolt -urls 5000000 -hosts 50000
//
// With -store redis it works on the Redis at -redis (a crawl id of its
// own, cleared before and after) and also reports what the frontier adds
// to Redis's used_memory per queued URL and, with -seen N, per URL only
// marked seen, and its round trips per push, mark and dequeued URL:
//
//	redis-server --port 6400 --save "" --appendonly yes &
//	go run ./crawler/frontier/store_bench -store redis -redis redis://127.0.0.1:6400/0 \
//		-urls 5000000 -hosts 50000 -seen 1000000 -pushers 8 -drain=false
package main
