"""The partner network's pages, one module per thing a supervisor manages, and the
partner portal. Views parse input, fetch through `haven.network.access`, call one
function that makes the change (and audits it) and redirect or render. A refused form is
shown again (status 400) with the reason beside the field and in the summary on top."""
