"""How well the access policy service does its job, measured on synthetic sets kept in
`data/`: over-blocking of legitimate content, under-blocking of harmful content, the
precision and recall of the text signals, and identity-term fairness cases — each on a
held-out set (never read by anyone writing rules: the honest figure) and a dev set
(rules may be tuned on it).

`haven access evaluate` prints the figures; docs/access-evaluation.md records them."""
