READ, WRITE = "projects:read", "projects:write"
