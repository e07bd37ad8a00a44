package automations

// CanonicalActions lets the acceptance tests (package automations_test)
// write the actions JSON they expect as the data source writes it.
var CanonicalActions = canonicalActions
