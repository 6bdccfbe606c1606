"""The eval harness: scenarios, the simulator, the fixed-schedule dunning
baseline, the auditor, scoring and reports. See docs/evals.md."""
