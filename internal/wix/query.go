package wix

import (
	"context"
	"fmt"
	"reflect"
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
}

// QueryAutomations reads one page: the first when cursor is empty, with
// q's filter; otherwise the page cursor points to, with no filter, as
// Wix's SDK sends it (the cursor carries the filter).
func (c *Client) QueryAutomations(ctx context.Context, q AutomationQuery, cursor string) (*AutomationsPage, error) {
	body := queryRequest{Query: cursorQuery{CursorPaging: cursorPaging{Limit: q.Limit, Cursor: cursor}}}
	if cursor == "" {
		body.Query.Filter = q.Filter
		if body.Query.Filter == nil {
			body.Query.Filter = map[string]any{}
		}
	}
	return doAndDecode[AutomationsPage](ctx, c, operation{
		name:          opQuery,
		path:          PathAutomations + "/query",
		body:          body,
		repeat:        repeatable,
		authenticated: true,
		paced:         true,
	})
}

// maxQueryPages stops a server whose cursors never end: at the largest
// page size it is ten million automations, far beyond any site.
const maxQueryPages = 20000

// QueryAllAutomations walks every page of q, following
// pagingMetadata.cursors.next only (as Wix's SDK does: hasNext is not
// trusted), and returns all automations in Wix's order.
func (c *Client) QueryAllAutomations(ctx context.Context, q AutomationQuery) ([]Automation, error) {
	return c.queryAll(ctx, q, maxQueryPages)
}

func (c *Client) queryAll(ctx context.Context, q AutomationQuery, maxPages int) ([]Automation, error) {
	var all []Automation
	err := c.eachPage(ctx, q, maxPages, func(page *AutomationsPage) bool {
		all = append(all, page.Automations...)
		return true
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

// EachAutomationPage walks the pages of q as QueryAllAutomations does, and
// hands each to yield as it arrives; it reads no further page once yield
// returns false. Its error is that of QueryAllAutomations.
func (c *Client) EachAutomationPage(ctx context.Context, q AutomationQuery, yield func(*AutomationsPage) bool) error {
	return c.eachPage(ctx, q, maxQueryPages, yield)
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
