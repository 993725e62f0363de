package schedule

import (
	"context"
	"log/slog"

	"arkisto/config"
	"arkisto/crawler"
)

// packageRun packages the job's whole collection, every run so far, as
// FOLDER.wacz once a run has ended with its files closed. A failure is
// logged: the run itself went well, and the next one packages again.
func packageRun(ctx context.Context, cfg config.Config, log *slog.Logger) {
	l := crawler.Layout{Dir: cfg.Output}
	res, err := crawler.PackageWACZ(ctx, l, l.WACZ(), cfg.Job)
	if err != nil {
		log.Error("package the collection as WACZ", "err", err)
		return
	}
	log.Info("packaged the collection", "wacz", res.Path, "bytes", res.Bytes, "warc_files", res.WARCFiles, "pages", res.Pages)
}
