"""What the registry's steps share: the scopes, saving an aggregate, searching a grid's subtree."""

READ, WRITE, ADMIN, AUDIT = "registry:read", "registry:write", "registry:admin", "registry:audit"


def saved(store, repository, aggregate):
    """Store a changed aggregate, with the events it recorded, and hand it back."""
    repository.save(aggregate)
    store.commit()
    return aggregate


def within_grid(store, query):
    """A query by grid covers every grid below it (a street's code finds its communities' and
    grids' records): the codes are resolved once per request, then matched on the indexed column."""
    if query.get("grid_code"):
        query["grid_code"] = store.grids.descendants(query["grid_code"])
    return query
