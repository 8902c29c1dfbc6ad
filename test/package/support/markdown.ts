/** Relative link targets of a markdown document (no URLs, no in-page anchors). */
function relativeLinks(markdown: string): string[] {
  const targets = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
  return targets.filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'));
}

export { relativeLinks };
