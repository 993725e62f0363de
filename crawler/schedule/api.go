package schedule

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"

	"arkisto/config"
)

// apiHandler serves the JSON API:
//
//	GET  /api/jobs               every job with its next and last run
//	GET  /api/jobs/{name}/runs   the job's run history, oldest first
//	POST /api/jobs/{name}/run    start a run now (202; 409 while one runs and overlap is skip)
//	POST /api/jobs/{name}/pause  stop scheduled runs (a triggered run still starts)
//	POST /api/jobs/{name}/resume scheduled runs again
//
// With a token configured, every call needs "Authorization: Bearer TOKEN"
// (the scheme in any case).
func (d *daemon) apiHandler(ctx context.Context) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/jobs", func(w http.ResponseWriter, _ *http.Request) {
		out := make([]status, 0, len(d.order))
		for _, j := range d.order {
			out = append(out, d.status(j))
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("GET /api/jobs/{name}/runs", d.withJob(func(w http.ResponseWriter, _ *http.Request, j *job) {
		runs := j.history.list()
		if n := len(runs); n > 0 {
			runs[n-1] = j.withLive(runs[n-1])
		}
		writeJSON(w, http.StatusOK, runs)
	}))
	mux.HandleFunc("POST /api/jobs/{name}/run", d.withJob(func(w http.ResponseWriter, r *http.Request, j *job) {
		// The run takes the daemon's context, not the request's: it must
		// go on after the response, and stop with the daemon.
		err := d.start(ctx, j, reasonAPI)
		switch {
		case errors.Is(err, ErrBusy):
			writeError(w, http.StatusConflict, err)
		case err != nil:
			writeError(w, http.StatusServiceUnavailable, err)
		default:
			writeJSON(w, http.StatusAccepted, d.status(j))
		}
	}))
	for action, paused := range map[string]bool{"pause": true, "resume": false} {
		mux.HandleFunc("POST /api/jobs/{name}/"+action, d.withJob(func(w http.ResponseWriter, _ *http.Request, j *job) {
			j.setPaused(paused)
			d.log.Info("job "+action+"d", "crawl_job", j.cfg.Name)
			writeJSON(w, http.StatusOK, d.status(j))
		}))
	}
	if d.cfg.APIToken == "" {
		// Only a listener acknowledged public (metrics_public) is reachable
		// from elsewhere without a token: /metrics is, /api is not.
		return loopbackOnly(mux)
	}
	return requireToken(d.cfg.APIToken, mux)
}

// loopbackOnly serves only clients on this machine.
func loopbackOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil || !config.IsLoopbackHost(host) {
			writeError(w, http.StatusForbidden, errors.New("without api_token the API answers this machine only"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (d *daemon) withJob(h func(http.ResponseWriter, *http.Request, *job)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		j, ok := d.jobs[r.PathValue("name")]
		if !ok {
			writeError(w, http.StatusNotFound, ErrNoJob)
			return
		}
		h(w, r, j)
	}
}

func requireToken(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare(bearerToken(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="arkisto"`)
			writeError(w, http.StatusUnauthorized, errors.New("missing or wrong bearer token"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearerToken reads the credentials of an Authorization header of the
// Bearer scheme, nil for another scheme. The scheme is matched in any case
// and may be followed by several spaces (RFC 9110 11.4).
func bearerToken(header string) []byte {
	scheme, credentials, _ := strings.Cut(strings.TrimSpace(header), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	return []byte(strings.TrimLeft(credentials, " "))
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": err.Error()})
}
