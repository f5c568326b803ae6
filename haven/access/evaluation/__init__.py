"""How well the access policy service does its job, measured on synthetic sets kept in
`data/`: over-blocking of legitimate content, under-blocking of harmful content, the
precision and recall of the text signals, and identity-term fairness cases.

`haven access evaluate` prints the figures; docs/access-evaluation.md records them."""
