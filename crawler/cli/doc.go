// Package cli is arkisto's command line: the root command with one file
// per subcommand (cmd_crawl.go and its cmd_crawl_status.go, cmd_serve.go,
// cmd_validate.go, cmd_index.go, cmd_report.go...), the signal handling that stops a crawl
// gracefully on the first SIGINT or SIGTERM and at once on the second, and
// the exit statuses, chosen in one place (exit.go). The commands only wire
// flags and config into the crawler, the scheduler, the report and the
// warc package.
package cli
