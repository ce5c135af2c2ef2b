"""The release room's services, the only writers: requests and their files, the automatic
checks and routing, votes and decisions, the release, the batches and breaches."""
