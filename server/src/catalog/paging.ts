// Follows page tokens to the end: for callers that want every namespace or table at once.
import type { Page } from './catalog';

export async function collectPages<T>(fetchPage: (pageToken?: string) => Promise<Page<T>>, maxPages = 10_000): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchPage(token);
    out.push(...page.items);
    if (!page.nextPageToken || page.nextPageToken === token) return out;
    token = page.nextPageToken;
  }
  return out;
}
