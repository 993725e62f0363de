// Package schedule is arkisto serve: a long-running daemon that runs each
// configured crawl job on its cron schedule, incrementally (seeds every
// run, sitemap and feed entries newer than the job's last success,
// revisits for payloads the collection holds), keeps a run history in each
// collection's state, resumes runs a shutdown interrupted, and serves
// metrics and a small JSON API on one listener. It owns the words of a
// run's Outcome, which the run history records and the daemon metrics take
// as their outcome label. Options.Ticks lets tests fire scheduled runs
// without waiting on the cron clock.
package schedule
