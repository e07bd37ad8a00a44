package wixsim

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// Seeded faults for soak runs: a whole environment's life through
// Terraform, with a share of calls failing as Wix's do.
//
// Faults are chosen by a hash of (seed, operation, item, attempt), so a seed
// means the same faults for every item whatever order Terraform's
// parallelism sends its calls in. The operation is what a call does to an
// item, whichever endpoint carries it: Report Event and Bulk Report Event
// are one operation ("report event"), as a bulk answer's missing item is
// sent again alone; an item is what the call is about (an event's external
// entity id, an automation's name, the token). The attempt is the item's
// count of calls of that operation so far.
//
// The rules keep every fault one that a provider can live with, so that a
// soak that fails has found a defect, not bad luck:
//   - at most two faults per item and operation (SoakMaxFaultsPerItem), and
//     none after its first SoakWindow attempts;
//   - at most one of them fails the operation outright, with nothing to
//     retry (a 503 or a reset before acting on Create Automation, which a
//     provider must not send twice; a per-item failure that stands);
//   - a read (the token call, Get and Query Automations) never meets two
//     faults in a row, so that with max_retries >= 1 a plan never fails
//     for faults alone.
//
// Which items share a bulk call depends on timing. A fault that one item's
// plan chooses for the whole call (a 503, a 429, a reset) is met by every
// item of the call and counts against each item's budget; it is left out
// when any of them has no room for it. So the faults each item's plan holds
// are the same for a seed, and those it meets the same as long as the
// batches come out the same.

// SoakFaultKind is one kind of fault a soak run meets.
type SoakFaultKind string

// The kinds of faults: four a whole call meets, three that one item of a
// bulk call meets.
const (
	SoakNone        SoakFaultKind = ""
	Soak503         SoakFaultKind = "503"
	Soak429         SoakFaultKind = "429 with Retry-After"
	SoakResetBefore SoakFaultKind = "reset before acting"
	SoakResetAfter  SoakFaultKind = "reset after acting"
	// SoakItemPassing answers one item success:false with UNAVAILABLE, a
	// failure that passes; the item is not carried out.
	SoakItemPassing SoakFaultKind = "per-item failure that passes"
	// SoakItemStanding answers one item success:false with the operation's
	// own failure code, which a retry does not cure; not carried out.
	SoakItemStanding SoakFaultKind = "per-item failure that stands"
	// SoakItemOmitted carries one item out and leaves its result out of
	// the answer.
	SoakItemOmitted SoakFaultKind = "per-item result omitted after acting"
)

// Soak defaults.
const (
	// SoakMaxFaultsPerItem bounds the faults one item meets per operation.
	SoakMaxFaultsPerItem = 2
	// SoakWindow is how many of an item's first attempts may meet faults.
	SoakWindow = 6
	// DefaultSoakRate is the chance that an attempt in the window is
	// chosen to fail, before the rules above.
	DefaultSoakRate = 0.3
)

// itemLevel reports whether the kind strikes one item of a bulk call.
func (k SoakFaultKind) itemLevel() bool {
	return k == SoakItemPassing || k == SoakItemStanding || k == SoakItemOmitted
}

// onSingleCall is the kind a single-item call meets when an item's plan
// chose a per-item kind: the call's likeness of it (a failure is a 503, an
// omitted result a reset after acting).
func (k SoakFaultKind) onSingleCall() SoakFaultKind {
	switch k {
	case SoakItemPassing, SoakItemStanding:
		return Soak503
	case SoakItemOmitted:
		return SoakResetAfter
	}
	return k
}

// fault is the call-level Fault that acts the kind out.
func (k SoakFaultKind) fault(retryAfter string) *Fault {
	switch k {
	case Soak503:
		return &Fault{Status: 503, Message: "simulated soak fault: service unavailable"}
	case Soak429:
		return &Fault{Status: 429, RetryAfter: retryAfter, Message: "simulated soak fault: too many requests"}
	case SoakResetBefore:
		return &Fault{DropConnection: true}
	case SoakResetAfter:
		return &Fault{DropAfterServe: true}
	}
	return nil
}

// weighted is a kind and how often it is chosen among its operation's.
type weighted struct {
	kind   SoakFaultKind
	weight uint64
}

// callKinds are what any call may meet; 429s are rarer, as each one costs
// a second of Retry-After.
var callKinds = []weighted{{Soak503, 3}, {SoakResetBefore, 2}, {SoakResetAfter, 3}, {Soak429, 1}}

// eventKinds add the per-item faults of the bulk event calls.
var eventKinds = append(slices.Clip(callKinds), weighted{SoakItemPassing, 2}, weighted{SoakItemStanding, 1}, weighted{SoakItemOmitted, 3})

// soakOp is an operation faults are chosen for.
type soakOp struct {
	name string
	// read: never two faults in a row for an item.
	read  bool
	kinds []weighted
	// outright are the kinds that fail the operation with nothing to retry.
	outright []SoakFaultKind
	// itemCode is the code of a standing per-item failure.
	itemCode string
}

var (
	soakToken  = &soakOp{name: "token", read: true, kinds: callKinds}
	soakRead   = &soakOp{name: "read automations", read: true, kinds: callKinds}
	soakCreate = &soakOp{name: "create automation", kinds: callKinds, outright: []SoakFaultKind{Soak503, SoakResetBefore}}
	soakUpdate = &soakOp{name: "update automation", kinds: callKinds}
	soakDelete = &soakOp{name: "delete automation", kinds: callKinds}
	soakReport = &soakOp{name: "report event", kinds: eventKinds, outright: []SoakFaultKind{SoakItemStanding},
		itemCode: "REPORT_EVENT_FAILED"}
	soakCancel = &soakOp{name: "cancel event", kinds: eventKinds, outright: []SoakFaultKind{SoakItemStanding},
		itemCode: "CANCEL_EVENT_FAILED"}
	soakOps = []*soakOp{soakToken, soakRead, soakCreate, soakUpdate, soakDelete, soakReport, soakCancel}
)

func (op *soakOp) isOutright(k SoakFaultKind) bool { return slices.Contains(op.outright, k) }

// MetFault is one fault a call met, for the soak's log and its checks.
type MetFault struct {
	RequestID string // the x-wix-request-id the call was answered with (or would have been)
	Op        string // the operation, as the hash names it
	Path      string
	Item      string
	Attempt   int
	Kind      SoakFaultKind
	// ChosenFor is the item whose plan chose a fault the whole call met,
	// when it is another item of the call.
	ChosenFor string
}

func (m MetFault) String() string {
	s := fmt.Sprintf("%s of %s, attempt %d (%s): %s", m.Op, m.Item, m.Attempt, m.Path, m.Kind)
	if m.ChosenFor != "" {
		s += " (chosen for " + m.ChosenFor + ", met by the whole bulk call)"
	}
	return s
}

// SoakFaults chooses a soak run's faults; install it with
// Server.UseSoakFaults. Queued faults (InjectFault, InjectItemFault) come
// first. Set Rate and RetryAfter before installing it.
type SoakFaults struct {
	Seed uint64
	// Rate is the chance that an attempt in the window is chosen to fail.
	Rate float64
	// RetryAfter is the Retry-After of the 429s, in seconds.
	RetryAfter string

	mu sync.Mutex
	// names remembers the name of every automation id seen, so that a call
	// for an automation already deleted is still about the same item.
	names   map[string]string
	items   map[soakItemKey]*soakItemState
	pending map[soakPendingKey]*ItemFault
	met     []MetFault
}

type soakItemKey struct{ op, item string }

// soakItemState is what an item met so far in one operation.
type soakItemState struct {
	attempts, met, outright int
	lastMet                 int // the attempt that met the last fault; 0: none
}

type soakPendingKey struct{ path, entityID string }

// NewSoakFaults returns the chooser of seed, with the default rate and
// Retry-After: 1.
func NewSoakFaults(seed uint64) *SoakFaults {
	return &SoakFaults{Seed: seed, Rate: DefaultSoakRate, RetryAfter: "1", names: map[string]string{},
		items: map[soakItemKey]*soakItemState{}, pending: map[soakPendingKey]*ItemFault{}}
}

// UseSoakFaults makes the server choose faults with sf from now on, for
// every call that no queued fault matches; nil stops it. ClearFaults stops
// it too.
func (s *Server) UseSoakFaults(sf *SoakFaults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.soak = sf
}

// SoakFaultsMet returns every fault the installed SoakFaults chose so far,
// in order; nil when none is installed.
func (s *Server) SoakFaultsMet() []MetFault {
	s.mu.Lock()
	sf := s.soak
	s.mu.Unlock()
	if sf == nil {
		return nil
	}
	return sf.Met()
}

// Met returns every fault met so far, in order.
func (sf *SoakFaults) Met() []MetFault {
	sf.mu.Lock()
	defer sf.mu.Unlock()
	return slices.Clone(sf.met)
}

// Planned is the fault the seed's plan holds for an item's attempt of an
// operation (its name, as MetFault.Op has it), after the rules for one
// item: at most two, at most one outright, none after the window, and for
// reads never two in a row. It panics on an unknown operation.
func (sf *SoakFaults) Planned(op, item string, attempt int) SoakFaultKind {
	for _, o := range soakOps {
		if o.name == op {
			return sf.planned(o, item, attempt)
		}
	}
	panic("wixsim: unknown soak operation " + strconv.Quote(op))
}

// planned walks the item's attempts up to attempt, applying the rules to
// the raw draws, so that it depends on nothing but its arguments.
func (sf *SoakFaults) planned(op *soakOp, item string, attempt int) SoakFaultKind {
	count, outright, prev := 0, 0, false
	for a := 1; a <= attempt; a++ {
		k := sf.draw(op, item, a)
		if k != SoakNone && (a > SoakWindow || count >= SoakMaxFaultsPerItem || (op.read && prev) ||
			(op.isOutright(k) && outright >= 1)) {
			k = SoakNone
		}
		if a == attempt {
			return k
		}
		prev = k != SoakNone
		if prev {
			count++
			if op.isOutright(k) {
				outright++
			}
		}
	}
	return SoakNone
}

// draw is the raw choice for one attempt: none, or a kind by weight.
func (sf *SoakFaults) draw(op *soakOp, item string, attempt int) SoakFaultKind {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%s\x00%s\x00%d", sf.Seed, op.name, item, attempt)))
	chance := float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
	if chance >= sf.Rate {
		return SoakNone
	}
	var total uint64
	for _, w := range op.kinds {
		total += w.weight
	}
	pick := binary.BigEndian.Uint64(sum[8:16]) % total
	for _, w := range op.kinds {
		if pick < w.weight {
			return w.kind
		}
		pick -= w.weight
	}
	return SoakNone
}

// soakCall is a call as the chooser sees it: its operation and items.
type soakCall struct {
	op    *soakOp
	path  string
	bulk  bool
	items []string
}

// decide counts the call's attempts and returns the fault the whole call
// meets, if any; for a bulk call without one, it keeps the per-item faults
// for the handler (takeItemFault).
func (sf *SoakFaults) decide(requestID string, call soakCall) *Fault {
	sf.mu.Lock()
	defer sf.mu.Unlock()
	attempts := make([]int, len(call.items))
	for i, item := range call.items {
		st := sf.state(call.op, item)
		st.attempts++
		attempts[i] = st.attempts
		delete(sf.pending, soakPendingKey{call.path, item})
	}
	if kind, chosenFor := sf.callFault(call, attempts); kind != SoakNone {
		for i, item := range call.items {
			sf.meet(requestID, call, item, attempts[i], kind, chosenFor)
		}
		return kind.fault(sf.RetryAfter)
	}
	if call.bulk {
		sf.itemFaults(requestID, call, attempts)
	}
	return nil
}

// callFault is the first fault, in the order of the items' names, that an
// item's plan chooses for the whole call and every item has room for.
func (sf *SoakFaults) callFault(call soakCall, attempts []int) (SoakFaultKind, string) {
	order := make([]int, len(call.items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(call.items[a], call.items[b]) })
	for _, i := range order {
		kind := sf.planned(call.op, call.items[i], attempts[i])
		if !call.bulk {
			kind = kind.onSingleCall()
		}
		if kind == SoakNone || kind.itemLevel() || !sf.roomForAll(call, attempts, kind) {
			continue
		}
		return kind, call.items[i]
	}
	return SoakNone, ""
}

// itemFaults keeps, for the bulk call's handler, the per-item faults the
// items' plans choose and have room for.
func (sf *SoakFaults) itemFaults(requestID string, call soakCall, attempts []int) {
	for i, item := range call.items {
		kind := sf.planned(call.op, item, attempts[i])
		if !kind.itemLevel() || !sf.room(call.op, item, attempts[i], kind) {
			continue
		}
		sf.meet(requestID, call, item, attempts[i], kind, "")
		f := &ItemFault{Path: call.path, ExternalEntityID: item, Count: 1, Omit: kind == SoakItemOmitted}
		switch kind {
		case SoakItemPassing:
			f.Code, f.Description = "UNAVAILABLE", "simulated soak fault: try again later"
		case SoakItemStanding:
			f.Code, f.Description = call.op.itemCode, "simulated soak fault: Wix could not do this for "+item
		}
		sf.pending[soakPendingKey{call.path, item}] = f
	}
}

// roomForAll reports whether every item of the call has room for kind.
func (sf *SoakFaults) roomForAll(call soakCall, attempts []int, kind SoakFaultKind) bool {
	for i, item := range call.items {
		if !sf.room(call.op, item, attempts[i], kind) {
			return false
		}
	}
	return true
}

// room applies the rules to what the item met so far, batch-mates' faults
// included.
func (sf *SoakFaults) room(op *soakOp, item string, attempt int, kind SoakFaultKind) bool {
	st := sf.state(op, item)
	return st.met < SoakMaxFaultsPerItem && (!op.isOutright(kind) || st.outright == 0) &&
		(!op.read || st.lastMet == 0 || st.lastMet != attempt-1)
}

func (sf *SoakFaults) meet(requestID string, call soakCall, item string, attempt int, kind SoakFaultKind, chosenFor string) {
	st := sf.state(call.op, item)
	st.met++
	st.lastMet = attempt
	if call.op.isOutright(kind) {
		st.outright++
	}
	if chosenFor == item {
		chosenFor = ""
	}
	sf.met = append(sf.met, MetFault{RequestID: requestID, Op: call.op.name, Path: call.path, Item: item,
		Attempt: attempt, Kind: kind, ChosenFor: chosenFor})
}

func (sf *SoakFaults) state(op *soakOp, item string) *soakItemState {
	key := soakItemKey{op.name, item}
	st := sf.items[key]
	if st == nil {
		st = &soakItemState{}
		sf.items[key] = st
	}
	return st
}

// takeItemFault hands a bulk call's handler the per-item fault decide kept
// for an item, once.
func (sf *SoakFaults) takeItemFault(path, entityID string) *ItemFault {
	sf.mu.Lock()
	defer sf.mu.Unlock()
	key := soakPendingKey{path, entityID}
	f := sf.pending[key]
	delete(sf.pending, key)
	return f
}

// rememberName records an automation's name for its id, and returns the
// name known for id ("" when none is).
func (sf *SoakFaults) rememberName(id, name string) string {
	sf.mu.Lock()
	defer sf.mu.Unlock()
	if name != "" {
		sf.names[id] = name
	}
	return sf.names[id]
}
