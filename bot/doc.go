// Package bot is the Slack transport of selfcheck: it receives slash
// commands, events, button clicks, shortcuts and modal submissions over
// HTTP (signed requests) or Socket Mode, routes them to an Answerer, a
// Reviewer or the canned-answer store, renders the results with
// Block Kit within Slack's limits, and delivers them where Slack expects
// them: in the HTTP response or Socket Mode ack when the work is quick, via
// response_url when it is not, and in the thread for mentions and DMs.
//
// Drafts are confidential. They are reviewed only in private places (the
// ephemeral reply of /selfcheck, a DM), never echoed into a channel, and
// never logged: logs carry request IDs, sizes and Slack IDs only. The same
// goes for canned answers: a change is logged with its name and who made
// it, never its text.
package bot
