package wix

import (
	"context"
	"errors"
	"sync"
)

// automationsRoot is the Automations v2 root this process uses: the
// first documented one until a routing miss there and an answer from the
// other say otherwise. Wix documents both roots and no source says which
// one its gateway serves to apps (shared wire notes, section 6).
type automationsRoot struct {
	mu      sync.Mutex
	current string
}

// otherRoot is the documented root that is not root.
func otherRoot(root string) string {
	if root == PathAutomations {
		return PathAutomationsService
	}
	return PathAutomations
}

func (r *automationsRoot) get() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.current == "" {
		return PathAutomations
	}
	return r.current
}

func (r *automationsRoot) set(root string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.current = root
}

// do sends op, an Automations v2 call, to suffix below the root in use
// (every call here is authenticated and paced). On a routing miss there
// it tries the other documented root once; when that one answers as Wix
// (anything but a routing miss, Wix's own 404 included), it becomes the
// root of every later call, which the DEBUG log says. A miss at both is
// one error naming both paths. Sending a call again at the other root is
// safe even for a create: a routing miss says the path is not served
// there, so nothing acted on the first attempt.
func (r *automationsRoot) do(ctx context.Context, c *Client, suffix string, op operation) error {
	op.authenticated, op.paced = true, true
	root := r.get()
	op.path = root + suffix
	err := c.do(ctx, op)
	var miss *RoutingMissError
	// Only this call's own miss says the root is wrong: the token request
	// it made first (wrapped in its error) has a path of its own.
	if !errors.As(err, &miss) || miss.Operation != op.name {
		return err
	}
	other := otherRoot(root)
	c.log.Debug(ctx, "Wix's gateway does not serve this Automations v2 path; trying the other documented root once",
		map[string]any{"operation": op.name, "path": op.path, "other_root": other})
	op.path = other + suffix
	retried := c.do(ctx, op)
	var again *RoutingMissError
	if errors.As(retried, &again) && again.Operation == op.name {
		both := *again
		both.Paths = append(append([]string(nil), miss.Paths...), again.Paths...)
		return c.redactError(&both)
	}
	r.set(other)
	c.log.Debug(ctx, "Wix serves Automations v2 at the other documented root; using it for the rest of this process",
		map[string]any{"operation": op.name, "root": other, "instead_of": root})
	return retried
}

// decodeAutomations sends op to suffix below the Automations v2 root and
// decodes Wix's answer as an A.
func decodeAutomations[A any](ctx context.Context, c *Client, suffix string, op operation) (*A, error) {
	out := new(A)
	op.out = out
	if err := c.roots.do(ctx, c, suffix, op); err != nil {
		return nil, err
	}
	return out, nil
}
