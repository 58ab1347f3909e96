"""Layer 0: what every layer uses: findings and the error tree, the workspace paths, atomic files, the clock."""
