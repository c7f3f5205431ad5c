/** Types generated for queries found in "queries/books.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type stringArray = (string)[];

/** 'CreateBook' parameters type */
export interface ICreateBookParams {
  authorId: number;
  isbn?: string | null | void;
  publishedOn?: string | null | void;
  tags: stringArray;
  title: string;
}

/** 'CreateBook' return type */
export interface ICreateBookResult {
  /** The author; an author with books cannot be deleted. */
  authorId: number;
  /** When the row was inserted. */
  createdAt: Date;
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number;
  /** ISBN-13 as 13 digits, unique when present. */
  isbn: string | null;
  /** Publication date, no time zone. */
  publishedOn: string | null;
  /** Free-form tags; empty when none. */
  tags: stringArray;
  /** Title, 1 to 200 characters. */
  title: string;
  /** When the row was last changed. */
  updatedAt: Date;
}

/** 'CreateBook' query type */
export interface ICreateBookQuery {
  params: ICreateBookParams;
  result: ICreateBookResult;
}

const createBookIR: any = {"usedParamSet":{"authorId":true,"title":true,"isbn":true,"publishedOn":true,"tags":true},"params":[{"name":"authorId","required":true,"transform":{"type":"scalar"},"locs":[{"a":71,"b":80}]},{"name":"title","required":true,"transform":{"type":"scalar"},"locs":[{"a":83,"b":89}]},{"name":"isbn","required":false,"transform":{"type":"scalar"},"locs":[{"a":92,"b":96}]},{"name":"publishedOn","required":false,"transform":{"type":"scalar"},"locs":[{"a":99,"b":110}]},{"name":"tags","required":true,"transform":{"type":"scalar"},"locs":[{"a":113,"b":118}]}],"statement":"INSERT INTO books (author_id, title, isbn, published_on, tags)\nVALUES (:authorId!, :title!, :isbn, :publishedOn, :tags!)\nRETURNING\n  id, author_id AS \"authorId\", title, isbn, published_on AS \"publishedOn\", tags,\n  created_at AS \"createdAt\", updated_at AS \"updatedAt\""};

/**
 * Query generated from SQL:
 * ```
 * INSERT INTO books (author_id, title, isbn, published_on, tags)
 * VALUES (:authorId!, :title!, :isbn, :publishedOn, :tags!)
 * RETURNING
 *   id, author_id AS "authorId", title, isbn, published_on AS "publishedOn", tags,
 *   created_at AS "createdAt", updated_at AS "updatedAt"
 * ```
 */
export const createBook = new PreparedQuery<ICreateBookParams,ICreateBookResult>(createBookIR);


/** 'GetBook' parameters type */
export interface IGetBookParams {
  id: number;
}

/** 'GetBook' return type */
export interface IGetBookResult {
  /** The author; an author with books cannot be deleted. */
  authorId: number;
  /** Display name, 1 to 32 characters. */
  authorName: string;
  /** When the row was inserted. */
  createdAt: Date;
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number;
  /** ISBN-13 as 13 digits, unique when present. */
  isbn: string | null;
  /** Publication date, no time zone. */
  publishedOn: string | null;
  /** Free-form tags; empty when none. */
  tags: stringArray;
  /** Title, 1 to 200 characters. */
  title: string;
  /** When the row was last changed. */
  updatedAt: Date;
}

/** 'GetBook' query type */
export interface IGetBookQuery {
  params: IGetBookParams;
  result: IGetBookResult;
}

const getBookIR: any = {"usedParamSet":{"id":true},"params":[{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":254,"b":257}]}],"statement":"SELECT\n  b.id, b.author_id AS \"authorId\", b.title, b.isbn, b.published_on AS \"publishedOn\", b.tags,\n  b.created_at AS \"createdAt\", b.updated_at AS \"updatedAt\",\n  a.name AS \"authorName\"\nFROM books AS b\nJOIN authors AS a ON a.id = b.author_id\nWHERE b.id = :id!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT
 *   b.id, b.author_id AS "authorId", b.title, b.isbn, b.published_on AS "publishedOn", b.tags,
 *   b.created_at AS "createdAt", b.updated_at AS "updatedAt",
 *   a.name AS "authorName"
 * FROM books AS b
 * JOIN authors AS a ON a.id = b.author_id
 * WHERE b.id = :id!
 * ```
 */
export const getBook = new PreparedQuery<IGetBookParams,IGetBookResult>(getBookIR);


/** 'ReplaceBook' parameters type */
export interface IReplaceBookParams {
  authorId: number;
  id: number;
  isbn?: string | null | void;
  publishedOn?: string | null | void;
  tags: stringArray;
  title: string;
}

/** 'ReplaceBook' return type */
export interface IReplaceBookResult {
  /** The author; an author with books cannot be deleted. */
  authorId: number;
  /** When the row was inserted. */
  createdAt: Date;
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number;
  /** ISBN-13 as 13 digits, unique when present. */
  isbn: string | null;
  /** Publication date, no time zone. */
  publishedOn: string | null;
  /** Free-form tags; empty when none. */
  tags: stringArray;
  /** Title, 1 to 200 characters. */
  title: string;
  /** When the row was last changed. */
  updatedAt: Date;
}

/** 'ReplaceBook' query type */
export interface IReplaceBookQuery {
  params: IReplaceBookParams;
  result: IReplaceBookResult;
}

const replaceBookIR: any = {"usedParamSet":{"authorId":true,"title":true,"isbn":true,"publishedOn":true,"tags":true,"id":true},"params":[{"name":"authorId","required":true,"transform":{"type":"scalar"},"locs":[{"a":29,"b":38}]},{"name":"title","required":true,"transform":{"type":"scalar"},"locs":[{"a":49,"b":55}]},{"name":"isbn","required":false,"transform":{"type":"scalar"},"locs":[{"a":65,"b":69}]},{"name":"publishedOn","required":false,"transform":{"type":"scalar"},"locs":[{"a":87,"b":98}]},{"name":"tags","required":true,"transform":{"type":"scalar"},"locs":[{"a":108,"b":113}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":126,"b":129}]}],"statement":"UPDATE books\nSET author_id = :authorId!, title = :title!, isbn = :isbn, published_on = :publishedOn, tags = :tags!\nWHERE id = :id!\nRETURNING\n  id, author_id AS \"authorId\", title, isbn, published_on AS \"publishedOn\", tags,\n  created_at AS \"createdAt\", updated_at AS \"updatedAt\""};

/**
 * Query generated from SQL:
 * ```
 * UPDATE books
 * SET author_id = :authorId!, title = :title!, isbn = :isbn, published_on = :publishedOn, tags = :tags!
 * WHERE id = :id!
 * RETURNING
 *   id, author_id AS "authorId", title, isbn, published_on AS "publishedOn", tags,
 *   created_at AS "createdAt", updated_at AS "updatedAt"
 * ```
 */
export const replaceBook = new PreparedQuery<IReplaceBookParams,IReplaceBookResult>(replaceBookIR);


/** 'UpdateBook' parameters type */
export interface IUpdateBookParams {
  authorId?: number | null | void;
  id: number;
  isbn?: string | null | void;
  publishedOn?: string | null | void;
  setIsbn: boolean;
  setPublishedOn: boolean;
  tags?: stringArray | null | void;
  title?: string | null | void;
}

/** 'UpdateBook' return type */
export interface IUpdateBookResult {
  /** The author; an author with books cannot be deleted. */
  authorId: number;
  /** When the row was inserted. */
  createdAt: Date;
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number;
  /** ISBN-13 as 13 digits, unique when present. */
  isbn: string | null;
  /** Publication date, no time zone. */
  publishedOn: string | null;
  /** Free-form tags; empty when none. */
  tags: stringArray;
  /** Title, 1 to 200 characters. */
  title: string;
  /** When the row was last changed. */
  updatedAt: Date;
}

/** 'UpdateBook' query type */
export interface IUpdateBookQuery {
  params: IUpdateBookParams;
  result: IUpdateBookResult;
}

const updateBookIR: any = {"usedParamSet":{"authorId":true,"title":true,"setIsbn":true,"isbn":true,"setPublishedOn":true,"publishedOn":true,"tags":true,"id":true},"params":[{"name":"authorId","required":false,"transform":{"type":"scalar"},"locs":[{"a":177,"b":185}]},{"name":"title","required":false,"transform":{"type":"scalar"},"locs":[{"a":219,"b":224}]},{"name":"setIsbn","required":true,"transform":{"type":"scalar"},"locs":[{"a":254,"b":262}]},{"name":"isbn","required":false,"transform":{"type":"scalar"},"locs":[{"a":269,"b":273}]},{"name":"setPublishedOn","required":true,"transform":{"type":"scalar"},"locs":[{"a":317,"b":332}]},{"name":"publishedOn","required":false,"transform":{"type":"scalar"},"locs":[{"a":339,"b":350}]},{"name":"tags","required":false,"transform":{"type":"scalar"},"locs":[{"a":393,"b":397}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":417,"b":420}]}],"statement":"UPDATE books\nSET\n  -- A null or absent parameter leaves its column unchanged. The nullable\n  -- columns take a flag instead, so that null can clear them.\n  author_id = COALESCE(:authorId, author_id),\n  title = COALESCE(:title, title),\n  isbn = CASE WHEN :setIsbn! THEN :isbn ELSE isbn END,\n  published_on = CASE WHEN :setPublishedOn! THEN :publishedOn ELSE published_on END,\n  tags = COALESCE(:tags, tags)\nWHERE id = :id!\nRETURNING\n  id, author_id AS \"authorId\", title, isbn, published_on AS \"publishedOn\", tags,\n  created_at AS \"createdAt\", updated_at AS \"updatedAt\""};

/**
 * Query generated from SQL:
 * ```
 * UPDATE books
 * SET
 *   -- A null or absent parameter leaves its column unchanged. The nullable
 *   -- columns take a flag instead, so that null can clear them.
 *   author_id = COALESCE(:authorId, author_id),
 *   title = COALESCE(:title, title),
 *   isbn = CASE WHEN :setIsbn! THEN :isbn ELSE isbn END,
 *   published_on = CASE WHEN :setPublishedOn! THEN :publishedOn ELSE published_on END,
 *   tags = COALESCE(:tags, tags)
 * WHERE id = :id!
 * RETURNING
 *   id, author_id AS "authorId", title, isbn, published_on AS "publishedOn", tags,
 *   created_at AS "createdAt", updated_at AS "updatedAt"
 * ```
 */
export const updateBook = new PreparedQuery<IUpdateBookParams,IUpdateBookResult>(updateBookIR);


/** 'DeleteBook' parameters type */
export interface IDeleteBookParams {
  id: number;
}

/** 'DeleteBook' return type */
export interface IDeleteBookResult {
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number;
}

/** 'DeleteBook' query type */
export interface IDeleteBookQuery {
  params: IDeleteBookParams;
  result: IDeleteBookResult;
}

const deleteBookIR: any = {"usedParamSet":{"id":true},"params":[{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":29,"b":32}]}],"statement":"DELETE FROM books\nWHERE id = :id!\nRETURNING id"};

/**
 * Query generated from SQL:
 * ```
 * DELETE FROM books
 * WHERE id = :id!
 * RETURNING id
 * ```
 */
export const deleteBook = new PreparedQuery<IDeleteBookParams,IDeleteBookResult>(deleteBookIR);


/** 'ListBooks' parameters type */
export interface IListBooksParams {
  afterId?: number | null | void;
  authorId?: number | null | void;
  limit: number;
  publishedFrom?: string | null | void;
  publishedTo?: string | null | void;
  tags: stringArray;
  titlePattern?: string | null | void;
}

/** 'ListBooks' return type */
export interface IListBooksResult {
  /** The author; an author with books cannot be deleted. */
  authorId: number;
  /** When the row was inserted. */
  createdAt: Date;
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number;
  /** ISBN-13 as 13 digits, unique when present. */
  isbn: string | null;
  /** Publication date, no time zone. */
  publishedOn: string | null;
  /** Free-form tags; empty when none. */
  tags: stringArray;
  /** Title, 1 to 200 characters. */
  title: string;
  /** When the row was last changed. */
  updatedAt: Date;
}

/** 'ListBooks' query type */
export interface IListBooksQuery {
  params: IListBooksParams;
  result: IListBooksResult;
}

const listBooksIR: any = {"usedParamSet":{"authorId":true,"tags":true,"publishedFrom":true,"publishedTo":true,"titlePattern":true,"afterId":true,"limit":true},"params":[{"name":"authorId","required":false,"transform":{"type":"scalar"},"locs":[{"a":319,"b":327},{"a":360,"b":368}]},{"name":"tags","required":true,"transform":{"type":"scalar"},"locs":[{"a":385,"b":390}]},{"name":"publishedFrom","required":false,"transform":{"type":"scalar"},"locs":[{"a":399,"b":412},{"a":447,"b":460}]},{"name":"publishedTo","required":false,"transform":{"type":"scalar"},"locs":[{"a":470,"b":481},{"a":516,"b":527}]},{"name":"titlePattern","required":false,"transform":{"type":"scalar"},"locs":[{"a":537,"b":549},{"a":580,"b":592}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":602,"b":609},{"a":635,"b":642}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":663,"b":669}]}],"statement":"-- Keyset pagination by id. A null filter, or an empty tag list, filters\n-- nothing; tags must all be present on a book. titlePattern is an ILIKE\n-- pattern.\nSELECT\n  id, author_id AS \"authorId\", title, isbn, published_on AS \"publishedOn\", tags,\n  created_at AS \"createdAt\", updated_at AS \"updatedAt\"\nFROM books\nWHERE (:authorId::bigint IS NULL OR author_id = :authorId)\n  AND tags @> :tags!\n  AND (:publishedFrom::date IS NULL OR published_on >= :publishedFrom)\n  AND (:publishedTo::date IS NULL OR published_on <= :publishedTo)\n  AND (:titlePattern::text IS NULL OR title ILIKE :titlePattern)\n  AND (:afterId::bigint IS NULL OR id > :afterId)\nORDER BY id\nLIMIT :limit!"};

/**
 * Query generated from SQL:
 * ```
 * -- Keyset pagination by id. A null filter, or an empty tag list, filters
 * -- nothing; tags must all be present on a book. titlePattern is an ILIKE
 * -- pattern.
 * SELECT
 *   id, author_id AS "authorId", title, isbn, published_on AS "publishedOn", tags,
 *   created_at AS "createdAt", updated_at AS "updatedAt"
 * FROM books
 * WHERE (:authorId::bigint IS NULL OR author_id = :authorId)
 *   AND tags @> :tags!
 *   AND (:publishedFrom::date IS NULL OR published_on >= :publishedFrom)
 *   AND (:publishedTo::date IS NULL OR published_on <= :publishedTo)
 *   AND (:titlePattern::text IS NULL OR title ILIKE :titlePattern)
 *   AND (:afterId::bigint IS NULL OR id > :afterId)
 * ORDER BY id
 * LIMIT :limit!
 * ```
 */
export const listBooks = new PreparedQuery<IListBooksParams,IListBooksResult>(listBooksIR);


/** 'ListAuthorBooks' parameters type */
export interface IListAuthorBooksParams {
  afterId?: number | null | void;
  authorId: number;
  limit: number;
}

/** 'ListAuthorBooks' return type */
export interface IListAuthorBooksResult {
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  authorId: number;
  /** When the row was inserted. */
  createdAt: Date | null;
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number | null;
  /** ISBN-13 as 13 digits, unique when present. */
  isbn: string | null;
  /** Publication date, no time zone. */
  publishedOn: string | null;
  /** Free-form tags; empty when none. */
  tags: stringArray | null;
  /** Title, 1 to 200 characters. */
  title: string | null;
  /** When the row was last changed. */
  updatedAt: Date | null;
}

/** 'ListAuthorBooks' query type */
export interface IListAuthorBooksQuery {
  params: IListAuthorBooksParams;
  result: IListAuthorBooksResult;
}

const listAuthorBooksIR: any = {"usedParamSet":{"afterId":true,"authorId":true,"limit":true},"params":[{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":396,"b":403},{"a":431,"b":438}]},{"name":"authorId","required":true,"transform":{"type":"scalar"},"locs":[{"a":454,"b":463}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":485,"b":491}]}],"statement":"-- One row per book of the author. An author with no books gives one row\n-- whose book columns are null, and an unknown author gives no row.\nSELECT\n  a.id AS \"authorId!\",\n  b.id AS \"id?\", b.title AS \"title?\", b.isbn, b.published_on AS \"publishedOn\", b.tags AS \"tags?\",\n  b.created_at AS \"createdAt?\", b.updated_at AS \"updatedAt?\"\nFROM authors AS a\nLEFT JOIN books AS b ON b.author_id = a.id AND (:afterId::bigint IS NULL OR b.id > :afterId)\nWHERE a.id = :authorId!\nORDER BY b.id\nLIMIT :limit!"};

/**
 * Query generated from SQL:
 * ```
 * -- One row per book of the author. An author with no books gives one row
 * -- whose book columns are null, and an unknown author gives no row.
 * SELECT
 *   a.id AS "authorId!",
 *   b.id AS "id?", b.title AS "title?", b.isbn, b.published_on AS "publishedOn", b.tags AS "tags?",
 *   b.created_at AS "createdAt?", b.updated_at AS "updatedAt?"
 * FROM authors AS a
 * LEFT JOIN books AS b ON b.author_id = a.id AND (:afterId::bigint IS NULL OR b.id > :afterId)
 * WHERE a.id = :authorId!
 * ORDER BY b.id
 * LIMIT :limit!
 * ```
 */
export const listAuthorBooks = new PreparedQuery<IListAuthorBooksParams,IListAuthorBooksResult>(listAuthorBooksIR);


