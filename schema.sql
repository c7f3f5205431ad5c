-- Database schema for the authors service.
--
-- This one file initializes every database the project starts: the embedded
-- development database, each test database and the code generator's
-- throwaway database. It runs once, on an empty database, so it uses plain
-- CREATE statements.

CREATE TABLE authors (
  -- MAXVALUE keeps every id within JavaScript's safe-integer range
  -- (2^53 - 1), so ids travel as exact JSON numbers.
  id bigint GENERATED ALWAYS AS IDENTITY (MAXVALUE 9007199254740991) PRIMARY KEY,
  name varchar(32) NOT NULL CONSTRAINT authors_name_not_empty CHECK (name <> ''),
  bio text NOT NULL CONSTRAINT authors_bio_length CHECK (char_length(bio) <= 10000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
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
