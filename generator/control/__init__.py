"""Layer 3: document control: the register, revisions, the state every output shows, the lifecycle actions, approved
snapshots, the hash-chained audit log and its verification."""
