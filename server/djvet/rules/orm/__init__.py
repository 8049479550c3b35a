"""DJV1xx: ORM and database performance (guide §1)."""
