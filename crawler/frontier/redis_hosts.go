package frontier

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// A host's info lives in its hash beside its politeness state, as fields
// i (encoded HostInfo) and iv (its version); its robots.txt in a key of
// its own, P..'robots:'..host, read only when a process has not parsed it.

// updateInfoScript writes a host's info if its version is still ARGV[3].
// ARGV: P, host, version, info. Returns {} or, when the host changed
// meanwhile, {version, info}.
var updateInfoScript = redis.NewScript(`
local key = ARGV[1]..'h:'..ARGV[2]
local h = redis.call('HMGET', key, 'iv', 'i')
local v = h[1] or '0'
if v ~= ARGV[3] then return {v, h[2] or ''} end
redis.call('HSET', key, 'iv', tostring(tonumber(v) + 1), 'i', ARGV[4])
return {}
`)

func (r *Redis) Host(ctx context.Context, host string) (HostInfo, error) {
	_, info, err := r.readInfo(ctx, host)
	return info, err
}

func (r *Redis) readInfo(ctx context.Context, host string) (string, HostInfo, error) {
	v, err := r.client.HMGet(ctx, r.keys.host(host), "iv", "i").Result()
	if err != nil {
		return "", HostInfo{}, fmt.Errorf("read host %s: %w", host, err)
	}
	version, _ := v[0].(string)
	raw, _ := v[1].(string)
	if version == "" {
		version = "0"
	}
	info, err := decodeHostInfo(raw)
	return version, info, err
}

// UpdateHost reads the host's info and writes change's result back unless
// another process changed it meanwhile; then it applies change again to
// the newer info. Two round trips when no other process interferes.
func (r *Redis) UpdateHost(ctx context.Context, host string, change func(*HostInfo)) (HostInfo, error) {
	if err := r.usable(); err != nil {
		return HostInfo{}, err
	}
	version, info, err := r.readInfo(ctx, host)
	if err != nil {
		return HostInfo{}, err
	}
	for {
		next := info
		change(&next)
		got, err := updateInfoScript.Run(ctx, r.client, nil, r.keys.prefix, host, version, encodeHostInfo(next)).StringSlice()
		if err != nil {
			return HostInfo{}, fmt.Errorf("update host %s: %w", host, err)
		}
		if len(got) == 0 {
			return next, nil
		}
		if len(got) != 2 {
			return HostInfo{}, fmt.Errorf("update host %s: %w", host, errCorrupt)
		}
		version = got[0]
		if info, err = decodeHostInfo(got[1]); err != nil {
			return HostInfo{}, err
		}
	}
}

func (r *Redis) Robots(ctx context.Context, host string) (*RobotsFile, error) {
	raw, err := r.client.Get(ctx, r.keys.robots(host)).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read robots.txt of %s: %w", host, err)
	}
	return decodeRobotsFile(raw)
}

func (r *Redis) SaveRobots(ctx context.Context, host string, f RobotsFile) error {
	if err := r.client.Set(ctx, r.keys.robots(host), encodeRobotsFile(f), 0).Err(); err != nil {
		return fmt.Errorf("save robots.txt of %s: %w", host, err)
	}
	return nil
}

// Shared: other processes of the crawl change the book too.
func (r *Redis) Shared() bool { return true }

// metaTimeout bounds Meta and SetMeta, whose signatures (Bolt's) carry no
// context.
const metaTimeout = 10 * time.Second

// Meta returns the run metadata stored under key (the seeds and settings
// every process of the crawl must agree with), or nil when there is none.
func (r *Redis) Meta(key string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), metaTimeout)
	defer cancel()
	v, err := r.client.HGet(ctx, r.keys.meta(), key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read frontier metadata %q: %w", key, err)
	}
	return v, nil
}

// SetMeta stores value under key.
func (r *Redis) SetMeta(key string, value []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), metaTimeout)
	defer cancel()
	if err := r.client.HSet(ctx, r.keys.meta(), key, value).Err(); err != nil {
		return fmt.Errorf("write frontier metadata %q: %w", key, err)
	}
	return nil
}

// ClaimMeta stores value under key unless a value is there (the first
// process of a crawl records its settings; the others keep them), and
// returns the value held then.
func (r *Redis) ClaimMeta(key string, value []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), metaTimeout)
	defer cancel()
	if err := r.client.HSetNX(ctx, r.keys.meta(), key, value).Err(); err != nil {
		return nil, fmt.Errorf("write frontier metadata %q: %w", key, err)
	}
	return r.Meta(key)
}
