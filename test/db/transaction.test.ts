import pg from 'pg'
import t from 'tap'
import { withTransaction } from '../../src/db/transaction.js'
import { createTestDatabase } from '../helpers/database.js'

t.test('withTransaction', async (t) => {
  const pool = new pg.Pool({ connectionString: await createTestDatabase(t), max: 2 })
  t.teardown(async () => { await pool.end() })

  const count = async (): Promise<number> => {
    const result = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM authors')
    return result.rows[0]?.n ?? -1
  }

  t.test('commits when the work resolves', async (t) => {
    const id = await withTransaction(pool, async (client) => {
      const result = await client.query<{ id: string }>("INSERT INTO authors (name, bio) VALUES ('A', 'b') RETURNING id")
      return result.rows[0]?.id
    })
    t.ok(id, 'returns what the work returned')
    t.equal(await count(), 1)
  })

  t.test('rolls back and rethrows when the work throws', async (t) => {
    const failure = new Error('stop here')
    await t.rejects(withTransaction(pool, async (client) => {
      await client.query("INSERT INTO authors (name, bio) VALUES ('B', 'b')")
      throw failure
    }), failure)
    t.equal(await count(), 1, 'the insert inside the failed transaction is gone')
  })

  t.test('rolls back when a statement fails', async (t) => {
    await t.rejects(withTransaction(pool, async (client) => {
      await client.query("INSERT INTO authors (name, bio) VALUES ('C', 'b')")
      await client.query("INSERT INTO authors (name, bio) VALUES ('', 'b')")
    }), { code: '23514' })
    t.equal(await count(), 1)
  })
})
