// Every problem slug the code can answer with is listed in docs/api.md, so an
// integrator never meets a `type` the documentation does not explain.
import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return sources(full)
    return full.endsWith('.ts') ? [full] : []
  })
}

const slugsInCode = new Set<string>()
for (const file of [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'workers'))]) {
  const text = readFileSync(file, 'utf8')
  // Literal slugs, and those passed to the one factory that takes a slug (stateConflict).
  for (const m of text.matchAll(/slug: '([a-z0-9-]+)'/g)) slugsInCode.add(m[1]!)
  for (const m of text.matchAll(/stateConflict\(\s*'([a-z0-9-]+)'/g)) slugsInCode.add(m[1]!)
}
const documented = new Set(
  [...readFileSync(path.join(ROOT, 'docs/api.md'), 'utf8').matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!),
)

t.ok(slugsInCode.size >= 30, `found the code's slugs (${slugsInCode.size})`)
for (const slug of [...slugsInCode].sort()) t.ok(documented.has(slug), `docs/api.md lists the problem type ${slug}`)
