package automationjson

import "testing"

const action1 = "9b1b4e4a-1c1b-4f4f-8d8d-111111111111"

func TestEqual(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{`{"a":1,"b":[1,2]}`, `{ "b": [1, 2], "a": 1.0 }`, true},
		{`{"a":1}`, `{"a":2}`, false},
		{`{"a":[1,2]}`, `{"a":[2,1]}`, false},
		{`{"a":1}`, `{"a":1,"b":null}`, false},
		{`{"a":"1"}`, `{"a":1}`, false},
		{`{"a":1}`, `not json`, false},
		{`{"a":1} {}`, `{"a":1}`, false},
		// Wix keeps numbers as doubles: what only a double's rounding
		// tells apart is the same value to Wix.
		{`12345678901234567890`, `12345678901234567891`, true},
		{`{"n":9007199254740993}`, `{"n":9007199254740992}`, true},
		{`{"n":9007199254740994}`, `{"n":9007199254740992}`, false},
		{`{"n":0.1}`, `{"n":0.10000000000000001}`, true},
		{`{"n":1e400}`, `{"n":1e401}`, false},
	}
	for _, tc := range cases {
		if got := Equal(tc.a, tc.b); got != tc.want {
			t.Errorf("Equal(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestCoversToleratesWhatWixAdds(t *testing.T) {
	config := `{"` + action1 + `":{"type":"APP_DEFINED","appDefinedInfo":{"appId":"a","actionKey":"send","inputMapping":{"to":"x"}}}}`
	remote := `{"` + action1 + `":{"id":"` + action1 + `","namespace":"actionkey-0","type":"APP_DEFINED",
		"appDefinedInfo":{"appId":"a","actionKey":"send","inputMapping":{"to":"x"},"postActionIds":[],"skipConditionOrExpressionGroups":[]}}}`
	if !Covers(config, remote) {
		t.Error("Covers rejected an answer that adds only an id, a namespace and empty lists")
	}
}

func TestCoversSeesDrift(t *testing.T) {
	config := `{"` + action1 + `":{"type":"APP_DEFINED","appDefinedInfo":{"appId":"a","actionKey":"send"}}}`
	cases := map[string]string{
		"changed value":  `{"` + action1 + `":{"type":"APP_DEFINED","appDefinedInfo":{"appId":"a","actionKey":"sms"}}}`,
		"added action":   `{"` + action1 + `":{"type":"APP_DEFINED","appDefinedInfo":{"appId":"a","actionKey":"send"}},"other":{"type":"DELAY"}}`,
		"removed action": `{}`,
		"added field":    `{"` + action1 + `":{"type":"APP_DEFINED","appDefinedInfo":{"appId":"a","actionKey":"send","postActionIds":["p"]}}}`,
		"wrong id":       `{"` + action1 + `":{"id":"someone-else","type":"APP_DEFINED","appDefinedInfo":{"appId":"a","actionKey":"send"}}}`,
		"dropped field":  `{"` + action1 + `":{"type":"APP_DEFINED"}}`,
		"not an object":  `[]`,
		"list changed":   `{"` + action1 + `":{"type":"APP_DEFINED","appDefinedInfo":{"appId":"a","actionKey":"send"}},"x":[]}`,
	}
	for name, remote := range cases {
		if Covers(config, remote) {
			t.Errorf("%s: Covers hid drift in %s", name, remote)
		}
	}
}

func TestCoversToleratesZeroValuesTheUserWrote(t *testing.T) {
	config := `{"` + action1 + `":{"type":"DELAY","delayInfo":{"offsetExpression":"1","postActionIds":[]},"skip":false}}`
	remote := `{"` + action1 + `":{"type":"DELAY","delayInfo":{"offsetExpression":"1"}}}`
	if !Covers(config, remote) {
		t.Error("Covers rejected an answer that only leaves out zero values the user wrote")
	}
}

func TestCoversComparesListsItemByItem(t *testing.T) {
	config := `{"a":{"conditionInfo":{"orExpressionGroups":[{"operator":"OR","booleanExpressions":["x"]}]}}}`
	same := `{"a":{"conditionInfo":{"orExpressionGroups":[{"operator":"OR","booleanExpressions":["x"],"extra":[]}]}}}`
	other := `{"a":{"conditionInfo":{"orExpressionGroups":[{"operator":"AND","booleanExpressions":["x"]}]}}}`
	longer := `{"a":{"conditionInfo":{"orExpressionGroups":[{"operator":"OR","booleanExpressions":["x"]},{}]}}}`
	if !Covers(config, same) {
		t.Error("Covers rejected a list item that only adds an empty field")
	}
	if Covers(config, other) || Covers(config, longer) {
		t.Error("Covers hid a change inside a list")
	}
}

func TestCoversToleratesOnlyTheTypeTheInfoFieldImplies(t *testing.T) {
	config := `{"a":{"delayInfo":{"offsetExpression":"1"}}}`
	if !Covers(config, `{"a":{"type":"DELAY","delayInfo":{"offsetExpression":"1"}}}`) {
		t.Error("Covers rejected the type Wix derives from delayInfo")
	}
	if Covers(config, `{"a":{"type":"CONDITION","delayInfo":{"offsetExpression":"1"}}}`) {
		t.Error("Covers hid a type that contradicts the info field")
	}
}

// The overrideOutputSchema Wix keeps in an app-defined action is no drift
// when the configuration sets none; when it sets one, it is compared.
func TestCoversToleratesTheOverrideOutputSchemaWixKeeps(t *testing.T) {
	config := `{"` + action1 + `":{"appDefinedInfo":{"appId":"a","actionKey":"send"}}}`
	remote := `{"` + action1 + `":{"appDefinedInfo":{"appId":"a","actionKey":"send","overrideOutputSchema":{"title":"kept"}}}}`
	if !Covers(config, remote) {
		t.Error("Covers took Wix's overrideOutputSchema for drift")
	}
	set := `{"` + action1 + `":{"appDefinedInfo":{"appId":"a","actionKey":"send","overrideOutputSchema":{"title":"mine"}}}}`
	if Covers(set, remote) {
		t.Error("Covers hid a change of an overrideOutputSchema the configuration sets")
	}
	elsewhere := `{"` + action1 + `":{"appDefinedInfo":{"appId":"a","actionKey":"send"},"overrideOutputSchema":{"title":"x"}}}`
	if Covers(config, elsewhere) {
		t.Error("Covers ignored an overrideOutputSchema outside appDefinedInfo")
	}
}

// Numbers lists every number with its path, members as HCL writes them.
func TestNumbers(t *testing.T) {
	got, err := Numbers("actions", `{"`+action1+`":{"appDefinedInfo":{"inputMapping":{"amount":1e400,"list":[1,{"x":2}]}}},"n":0}`)
	want := []Number{
		{`actions["` + action1 + `"].appDefinedInfo.inputMapping.amount`, "1e400"},
		{`actions["` + action1 + `"].appDefinedInfo.inputMapping.list[0]`, "1"},
		{`actions["` + action1 + `"].appDefinedInfo.inputMapping.list[1].x`, "2"},
		{"actions.n", "0"},
	}
	if err != nil || len(got) != len(want) {
		t.Fatalf("Numbers = %v, %v; want %v", got, err, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("number %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// A number Wix gives back rounded is no drift.
func TestCoversRoundedNumbers(t *testing.T) {
	config := `{"` + action1 + `":{"appDefinedInfo":{"appId":"a","actionKey":"send","inputMapping":{"n":9007199254740993}}}}`
	remote := `{"` + action1 + `":{"id":"` + action1 + `","appDefinedInfo":{"appId":"a","actionKey":"send","inputMapping":{"n":9007199254740992}}}}`
	if !Covers(config, remote) {
		t.Error("Covers saw drift in a number Wix only rounded to a double")
	}
}
