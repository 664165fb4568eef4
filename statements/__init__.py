"""Money arriving (一案一账号): bank statements imported, matched to cases, posted as receipts; unidentified money claimed."""
