// Package cli is arkisto's command line: the root command (root.go) with
// one file per subcommand, cmd_crawl.go (and cmd_crawl_status.go for
// `crawl status`), cmd_serve.go, cmd_validate.go, cmd_index.go,
// cmd_report.go, cmd_wacz.go and cmd_qa.go; the hidden profiling flags of
// a crawl (profile.go); the signal handling that stops a crawl gracefully
// on the first SIGINT or SIGTERM and at once on the second (signal.go);
// and the exit statuses, chosen in one place (exit.go). The commands only
// wire flags and config into the crawler, the scheduler, the report, qa
// and the warc packages. Their tests run in-process (cmd.SetArgs); what
// they share with the built-binary tests at the top level is clitest.
package cli
