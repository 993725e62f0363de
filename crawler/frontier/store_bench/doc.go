// Command store_bench measures a frontier store at crawl scale: it queues
// many URLs over many hosts, closes and reopens the store, then drains it
// with concurrent workers at one request per host and no delay, and
// reports the enqueue, reopen and dequeue rates and the peak memory.
//
//	go run ./crawler/frontier/store_bench -store bolt -urls 5000000 -hosts 50000
package main
