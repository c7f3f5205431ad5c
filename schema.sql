-- Database schema for the authors service.
--
-- This one file initializes every database the project starts: the embedded
-- development database, each test database and the code generator's
-- throwaway database. It runs once, on an empty database, so it uses plain
-- CREATE statements.

-- Every column stores only values that its JavaScript type represents exactly
-- (docs/types.md gives the mapping). Timestamps keep milliseconds, as a
-- Date does. Timestamps and dates stay within the years 0001 to 9999 (UTC
-- for timestamps), which toISOString() writes as RFC 3339, and so exclude
-- infinity and BC values. Arrays are one-dimensional with no NULL elements,
-- as a TypeScript T[] is.

CREATE TABLE authors (
  -- MAXVALUE keeps every id within JavaScript's safe-integer range
  -- (2^53 - 1), so ids travel as exact JSON numbers. The CHECK also covers
  -- ids inserted with OVERRIDING SYSTEM VALUE.
  id bigint GENERATED ALWAYS AS IDENTITY (MAXVALUE 9007199254740991) PRIMARY KEY
    CONSTRAINT authors_id_range CHECK (id BETWEEN 1 AND 9007199254740991),
  name varchar(32) NOT NULL CONSTRAINT authors_name_not_empty CHECK (name <> ''),
  bio text NOT NULL CONSTRAINT authors_bio_length CHECK (char_length(bio) <= 10000),
  created_at timestamptz(3) NOT NULL DEFAULT now()
    CONSTRAINT authors_created_at_range
    CHECK (created_at >= '0001-01-01 00:00:00+00' AND created_at < '10000-01-01 00:00:00+00'),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
    CONSTRAINT authors_updated_at_range
    CHECK (updated_at >= '0001-01-01 00:00:00+00' AND updated_at < '10000-01-01 00:00:00+00')
);

COMMENT ON TABLE authors IS 'People who write books.';
COMMENT ON COLUMN authors.id IS 'Identity, capped at 2^53 - 1 so it is exact in JavaScript.';
COMMENT ON COLUMN authors.name IS 'Display name, 1 to 32 characters.';
COMMENT ON COLUMN authors.bio IS 'Free-text biography, up to 10000 characters.';
COMMENT ON COLUMN authors.created_at IS 'When the row was inserted.';
COMMENT ON COLUMN authors.updated_at IS 'When the row was last changed.';

-- Moves updated_at to the current time when an UPDATE changes any value, so
-- an update that writes the same values leaves it as it was.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW IS DISTINCT FROM OLD THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER authors_set_updated_at
BEFORE UPDATE ON authors
FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Serves the keyset-paginated list, which orders by name, then id.
CREATE INDEX authors_name_id_idx ON authors (name, id);

-- True when `value` is an ISBN-13: 978 or 979, ten more digits, and a check
-- digit that makes the weighted digit sum (weights 1, 3, 1, 3, ...) a
-- multiple of 10.
CREATE FUNCTION is_valid_isbn13(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT value ~ '^97[89][0-9]{10}$'
    AND (
      SELECT sum(substr(value, position, 1)::int * CASE WHEN position % 2 = 0 THEN 3 ELSE 1 END)
      FROM generate_series(1, 13) AS position
    ) % 10 = 0
$$;

CREATE TABLE books (
  id bigint GENERATED ALWAYS AS IDENTITY (MAXVALUE 9007199254740991) PRIMARY KEY
    CONSTRAINT books_id_range CHECK (id BETWEEN 1 AND 9007199254740991),
  -- RESTRICT: an author who still has books cannot be deleted.
  author_id bigint NOT NULL REFERENCES authors (id) ON DELETE RESTRICT,
  title text NOT NULL CONSTRAINT books_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
  isbn text CONSTRAINT books_isbn_valid CHECK (is_valid_isbn13(isbn)),
  published_on date
    CONSTRAINT books_published_on_range CHECK (published_on BETWEEN '0001-01-01' AND '9999-12-31'),
  tags text[] NOT NULL DEFAULT '{}'
    -- The CASE keeps array_position, which raises an error on a
    -- multidimensional array, from running on one.
    CONSTRAINT books_tags_flat CHECK (
      CASE WHEN array_ndims(tags) > 1 THEN false ELSE array_position(tags, NULL) IS NULL END
    ),
  created_at timestamptz(3) NOT NULL DEFAULT now()
    CONSTRAINT books_created_at_range
    CHECK (created_at >= '0001-01-01 00:00:00+00' AND created_at < '10000-01-01 00:00:00+00'),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
    CONSTRAINT books_updated_at_range
    CHECK (updated_at >= '0001-01-01 00:00:00+00' AND updated_at < '10000-01-01 00:00:00+00'),
  -- NULLs are distinct, so many books may have no ISBN.
  CONSTRAINT books_isbn_key UNIQUE (isbn)
);

COMMENT ON TABLE books IS 'Books, each written by one author.';
COMMENT ON COLUMN books.id IS 'Identity, capped at 2^53 - 1 so it is exact in JavaScript.';
COMMENT ON COLUMN books.author_id IS 'The author; an author with books cannot be deleted.';
COMMENT ON COLUMN books.title IS 'Title, 1 to 200 characters.';
COMMENT ON COLUMN books.isbn IS 'ISBN-13 as 13 digits, unique when present.';
COMMENT ON COLUMN books.published_on IS 'Publication date, no time zone.';
COMMENT ON COLUMN books.tags IS 'Free-form tags; empty when none.';
COMMENT ON COLUMN books.created_at IS 'When the row was inserted.';
COMMENT ON COLUMN books.updated_at IS 'When the row was last changed.';

CREATE TRIGGER books_set_updated_at
BEFORE UPDATE ON books
FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Serve the author filter and the tag filter of the book list.
CREATE INDEX books_author_id_idx ON books (author_id, id);
CREATE INDEX books_tags_idx ON books USING gin (tags);
