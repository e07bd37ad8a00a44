package smoke

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// Call is one answer Wix gave during a step, as the provider logged it at
// INFO (wix.CallAnswered): what a bug report needs to find the call in
// Wix's own logs.
type Call struct {
	Operation string // such as "Create Automation"
	Status    string // the HTTP status Wix answered
	RequestID string // Wix's x-wix-request-id
	RPC       string // the plugin call that made it, such as ApplyResourceChange
}

func (c Call) String() string {
	id := c.RequestID
	if id == "" {
		id = "none"
	}
	return fmt.Sprintf("%s %s (x-wix-request-id %s)", c.Operation, c.Status, id)
}

// readCalls reads the INFO lines of wix.CallAnswered from the provider log
// Terraform wrote to path (TF_LOG_PROVIDER=INFO, TF_LOG_PATH). A command
// that started no provider leaves no file, and so no call.
func readCalls(path string) ([]Call, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var calls []Call
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for scanner.Scan() {
		if call, ok := parseCallLine(scanner.Text()); ok {
			calls = append(calls, call)
		}
	}
	return calls, scanner.Err()
}

// callMarker is what the line of one answer holds after Terraform's
// prefix: "<time> [INFO]  provider.terraform-provider-wix: <message>: k=v ...".
const callMarker = " [INFO]  provider.terraform-provider-wix: " + wix.CallAnswered + ": "

// parseCallLine reads one log line of wix.CallAnswered; ok is false for
// every other line.
func parseCallLine(line string) (Call, bool) {
	_, fields, found := strings.Cut(line, callMarker)
	if !found {
		return Call{}, false
	}
	kv := parseFields(fields)
	call := Call{Operation: kv[wix.FieldOperation], Status: kv[wix.FieldStatus], RequestID: kv[wix.FieldRequestID], RPC: kv["tf_rpc"]}
	return call, call.Operation != ""
}

// parseFields reads the key=value pairs hclog writes after a message: a
// value with spaces or quotes is a Go-quoted string, any other runs to the
// next space. Written by hand because hclog has no parser for its own text
// format, and Terraform writes provider logs only in that format when
// TF_LOG_PROVIDER names a level.
func parseFields(s string) map[string]string {
	kv := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		key, rest, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		if quoted, err := strconv.QuotedPrefix(rest); err == nil {
			kv[key], _ = strconv.Unquote(quoted)
			s = rest[len(quoted):]
		} else {
			kv[key], s, _ = strings.Cut(rest, " ")
		}
	}
	return kv
}
