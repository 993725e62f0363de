package cli

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"

	"github.com/spf13/pflag"
)

// profiles are the hidden flags that profile a crawl where it runs, for a
// crawl that is slow on one machine and not on another: a CPU profile for
// `go tool pprof`, a block profile of where goroutines wait (on locks,
// channels, a commit), and an execution trace for `go tool trace`, which
// shows why workers sit idle.
type profiles struct {
	cpu, block, trace string
}

func (p *profiles) bind(fs *pflag.FlagSet) {
	fs.StringVar(&p.cpu, "cpuprofile", "", "write a CPU profile of the crawl to this file")
	fs.StringVar(&p.block, "blockprofile", "", "write a profile of where goroutines blocked to this file")
	fs.StringVar(&p.trace, "trace", "", "write an execution trace of the crawl to this file")
	for _, name := range []string{"cpuprofile", "blockprofile", "trace"} {
		_ = fs.MarkHidden(name) // for whoever investigates a slow crawl, not for every user
	}
}

// start begins the profiles asked for; stop writes them out.
func (p *profiles) start() (stop func() error, err error) {
	var stops []func() error
	stopAll := func() error {
		var errs []error
		for i := len(stops) - 1; i >= 0; i-- {
			errs = append(errs, stops[i]())
		}
		return errors.Join(errs...)
	}
	if p.cpu != "" {
		f, err := create(p.cpu)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, errors.Join(fmt.Errorf("start cpu profile: %w", err), f.Close())
		}
		stops = append(stops, func() error { pprof.StopCPUProfile(); return f.Close() })
	}
	if p.trace != "" {
		f, err := create(p.trace)
		if err != nil {
			return nil, errors.Join(err, stopAll())
		}
		if err := trace.Start(f); err != nil {
			return nil, errors.Join(fmt.Errorf("start trace: %w", err), f.Close(), stopAll())
		}
		stops = append(stops, func() error { trace.Stop(); return f.Close() })
	}
	if p.block != "" {
		f, err := create(p.block)
		if err != nil {
			return nil, errors.Join(err, stopAll())
		}
		runtime.SetBlockProfileRate(1) // every blocking event: this is a diagnosis run
		stops = append(stops, func() error {
			err := pprof.Lookup("block").WriteTo(f, 0)
			runtime.SetBlockProfileRate(0)
			return errors.Join(err, f.Close())
		})
	}
	return stopAll, nil
}

func create(path string) (*os.File, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create profile: %w", err)
	}
	return f, nil
}
