"""Layer 3: document control: the register, revisions, the state every output shows, the lifecycle actions, approved
snapshots, delegations of approval, the hash-chained audit log and its verification, and the store that changes the
control records one locked, journalled transaction at a time."""
