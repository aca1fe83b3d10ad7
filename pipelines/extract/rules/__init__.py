"""The deal extractor's rules, one module per concern: ``model`` (mentions and candidates),
``vocabulary`` (cue words and patterns), ``sentences``, ``values``, ``roles``, ``clauses``,
``filters`` (the named sentence filters), ``analysis`` (one sentence to candidates),
``merge`` (sentences about one deal into one), ``discourse`` (deals told across sentences)
and ``docpass`` (the document-level pass and its named rules).
``pipelines.extract.mentions`` orchestrates them; docs/extraction.md explains the method."""
