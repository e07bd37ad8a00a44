package wix

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

const opQuery = "Query Automations"

// MaxQueryLimit is Wix's largest page of a cursor query.
const MaxQueryLimit = 500

// AutomationQuery is the first page's query: Filter is Wix's filter object
// (e.g. {"configuration.status":"ACTIVE"}); nil sends {} (no condition).
type AutomationQuery struct {
	Filter map[string]any
	// Limit is the page size, 1 to MaxQueryLimit; 0 means Wix's default (50).
	Limit int
}

// AutomationsPage is one page of Query Automations.
type AutomationsPage struct {
	Automations    []Automation   `json:"automations"`
	PagingMetadata PagingMetadata `json:"pagingMetadata"`
}

// PagingMetadata is Wix's cursor paging state of a page.
type PagingMetadata struct {
	Count   *int    `json:"count,omitempty"`
	Cursors Cursors `json:"cursors"`
	HasNext *bool   `json:"hasNext,omitempty"`
}

// Cursors point to the pages around a page; Next is empty on the last page.
type Cursors struct {
	Next string `json:"next,omitempty"`
	Prev string `json:"prev,omitempty"`
}

type cursorPaging struct {
	Limit  int    `json:"limit,omitempty"`
	Cursor string `json:"cursor,omitempty"`
}

type cursorQuery struct {
	Filter       map[string]any `json:"filter,omitempty"`
	CursorPaging cursorPaging   `json:"cursorPaging"`
}

type queryRequest struct {
	Query cursorQuery `json:"query"`
	// Fields is sent on every page (Wix's RequestedFields).
	Fields []string `json:"fields,omitempty"`
}

// QueryAutomations reads one page: the first when cursor is empty, with
// q's filter; otherwise the page cursor points to, with no filter, as
// Wix's SDK sends it (the cursor carries the filter).
func (c *Client) QueryAutomations(ctx context.Context, q AutomationQuery, cursor string) (*AutomationsPage, error) {
	body := queryRequest{Query: cursorQuery{CursorPaging: cursorPaging{Limit: q.Limit, Cursor: cursor}}, Fields: requestedFields}
	if cursor == "" {
		body.Query.Filter = q.Filter
		if body.Query.Filter == nil {
			body.Query.Filter = map[string]any{}
		}
	}
	return decodeAutomations[AutomationsPage](ctx, c, "/query", operation{
		name:   opQuery,
		body:   body,
		repeat: repeatable,
	})
}

// maxQueryPages stops a server whose cursors never end: at the largest
// page size it is ten million automations, far beyond any site.
const maxQueryPages = 20000

// QueryAllAutomations walks every page of q, following
// pagingMetadata.cursors.next only (as Wix's SDK does: hasNext is not
// trusted), and returns every automation once, in the order Wix first
// listed it. Pages read while the site changes may repeat an automation,
// or hold a stale or partial copy of it: the newest revision is kept, and
// an entry without its revision, trigger or actions is read with Get
// Automation instead (one that Get finds gone is left out).
func (c *Client) QueryAllAutomations(ctx context.Context, q AutomationQuery) ([]Automation, error) {
	return c.queryAll(ctx, q, maxQueryPages)
}

func (c *Client) queryAll(ctx context.Context, q AutomationQuery, maxPages int) ([]Automation, error) {
	all, err := c.queryNewest(ctx, q, maxPages)
	if err != nil {
		return nil, err
	}
	return c.completed(ctx, all)
}

// queryNewest walks every page of q and keeps one entry per id, the
// newest, where it first appeared; it reads nothing with Get.
func (c *Client) queryNewest(ctx context.Context, q AutomationQuery, maxPages int) ([]Automation, error) {
	var set newestByID
	err := c.eachPage(ctx, q, maxPages, func(page *AutomationsPage) bool {
		for _, a := range page.Automations {
			set.add(a)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return set.list, nil
}

// completed replaces each partial entry of list with Get Automation's
// answer, and leaves out those Get finds gone.
func (c *Client) completed(ctx context.Context, list []Automation) ([]Automation, error) {
	out := list[:0]
	for _, a := range list {
		if a.complete() {
			out = append(out, a)
			continue
		}
		got, err := c.readAutomationOf(ctx, a.ID, a.Origin)
		switch {
		case IsNotFound(err):
			continue
		case err != nil:
			return nil, fmt.Errorf("%s listed automation %s without its revision, trigger or actions, and reading it failed: %w", opQuery, a.ID, err)
		}
		out = append(out, *got)
	}
	return out, nil
}

// EachAutomationPage walks the pages of q as QueryAllAutomations does, and
// hands each to yield as it arrives, with every automation once: an
// automation a page repeats from an earlier page is left out (the earlier
// one was handed on already), a page's own repeats keep the newest, and a
// partial entry is read with Get first. It reads no further page once
// yield returns false. Its error is that of QueryAllAutomations.
func (c *Client) EachAutomationPage(ctx context.Context, q AutomationQuery, yield func(*AutomationsPage) bool) error {
	handed := map[string]bool{}
	var failed error
	err := c.eachPage(ctx, q, maxQueryPages, func(page *AutomationsPage) bool {
		var fresh newestByID
		for _, a := range page.Automations {
			if !handed[a.ID] {
				fresh.add(a)
			}
		}
		list, err := c.completed(ctx, fresh.list)
		if failed = err; err != nil {
			return false
		}
		for _, a := range list {
			handed[a.ID] = true
		}
		out := *page
		out.Automations = list
		return yield(&out)
	})
	if err == nil {
		err = failed
	}
	return err
}

// eachPage follows pagingMetadata.cursors.next only, and refuses a cursor
// that leads back to a page already read, or more than maxPages pages.
func (c *Client) eachPage(ctx context.Context, q AutomationQuery, maxPages int, yield func(*AutomationsPage) bool) error {
	seen := map[string]bool{}
	cursor := ""
	for page := 1; ; page++ {
		res, err := c.QueryAutomations(ctx, q, cursor)
		if err != nil {
			return fmt.Errorf("page %d: %w", page, err)
		}
		if !yield(res) {
			return nil
		}
		next := res.PagingMetadata.Cursors.Next
		switch {
		case next == "":
			return nil
		case seen[next]:
			return fmt.Errorf("%s: Wix's cursor after page %d leads back to a page already read, so the list would never end", opQuery, page)
		case page >= maxPages:
			return fmt.Errorf("%s: Wix still had more after %d pages; stopping, as no site has that many automations", opQuery, page)
		}
		seen[next] = true
		cursor = next
	}
}

// newestByID collects automations one per id, in the order first seen,
// each at the newest revision seen.
type newestByID struct {
	list  []Automation
	index map[string]int
}

func (s *newestByID) add(a Automation) {
	if s.index == nil {
		s.index = map[string]int{}
	}
	i, seen := s.index[a.ID]
	switch {
	case !seen:
		s.index[a.ID] = len(s.list)
		s.list = append(s.list, a)
	case newer(a, s.list[i]):
		s.list[i] = a
	}
}

// newer says whether a is a later revision than b. A revision that is
// not a number (or missing) is older than any that is.
func newer(a, b Automation) bool {
	ra, errA := strconv.ParseInt(a.Revision, 10, 64)
	rb, errB := strconv.ParseInt(b.Revision, 10, 64)
	switch {
	case errA != nil:
		return false
	case errB != nil:
		return true
	}
	return ra > rb
}

// complete says whether a Query entry carries what an automation always
// has: its revision, its trigger and its actions. Without them it is a
// stale or partial copy (a Query that leaves out configuration, say), and
// a plan built from it would show a change nobody made.
func (a *Automation) complete() bool {
	t, actions := a.Configuration.Trigger, strings.TrimSpace(string(a.Configuration.Actions))
	return a.Revision != "" && (t.AppID != "" || t.TriggerKey != "") && actions != "" && actions != "null"
}

// jsonFieldNames lists the JSON names of the fields v (a pointer to a
// struct) encodes, skipping "-".
func jsonFieldNames(v any) []string {
	t := reflect.TypeOf(v).Elem()
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}
