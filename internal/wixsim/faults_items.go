package wixsim

// ItemFault is a scripted misbehavior of one item (an external entity) of
// the next Count bulk calls that carry it: Bulk Cancel Event or Bulk Report
// Event (Path). Unlike FailBulkItems and FailBulkReportItems, which fail an
// item until ClearFaults, it wears off, as a passing failure does; and it can
// lose an item's result instead of failing it.
//
// With Code set, the item is answered success:false with that code and
// Description, and not carried out. With Omit, the item is carried out for
// real (the event reported or canceled) and its result left out of the
// answer, as in a bulk answer that lost one item's result on the way.
type ItemFault struct {
	Path             string // bulkCancelPath or bulkReportPath, as on the wire
	ExternalEntityID string
	Count            int // how many calls carrying the item it applies to; values < 1 mean 1
	Code             string
	Description      string // default: a simulated failure naming the entity
	Omit             bool
}

// InjectItemFault queues f; item faults are consumed like Faults (FIFO,
// first match), and ClearFaults drops them.
func (s *Server) InjectItemFault(f ItemFault) {
	f.Count = max(f.Count, 1)
	if f.Description == "" {
		f.Description = "simulated passing failure for " + f.ExternalEntityID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.itemFaults = append(s.itemFaults, &f)
}

// itemFaultLocked consumes one use of the first item fault for an item of a
// bulk call to path, or returns the one a soak's seeded faults chose for it,
// or nil.
func (s *Server) itemFaultLocked(path, entityID string) *ItemFault {
	for i, f := range s.itemFaults {
		if f.Path != path || f.ExternalEntityID != entityID {
			continue
		}
		f.Count--
		if f.Count == 0 {
			s.itemFaults = append(s.itemFaults[:i:i], s.itemFaults[i+1:]...)
		}
		c := *f
		return &c
	}
	if s.soak != nil {
		return s.soak.takeItemFault(path, entityID)
	}
	return nil
}

// fails reports whether the fault answers the item success:false.
func (f *ItemFault) fails() bool { return f != nil && f.Code != "" }

// omits reports whether the fault leaves the item's result out.
func (f *ItemFault) omits() bool { return f != nil && f.Omit }

// failure is the code and description of an item's failure: the fault's,
// or the given ones of a persistent failure.
func (f *ItemFault) failure(code, description string) (string, string) {
	if f.fails() {
		return f.Code, f.Description
	}
	return code, description
}

// withoutOmitted drops the results of the items whose fault omits them;
// omit holds one entry per result, in order.
func withoutOmitted[R any](results []R, omit []bool) []R {
	kept := results[:0]
	for i, r := range results {
		if !omit[i] {
			kept = append(kept, r)
		}
	}
	return kept
}
