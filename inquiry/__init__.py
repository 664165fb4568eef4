"""Network inquiry batches (集中查控): requests out to agencies, results in, diffed against the asset register."""
