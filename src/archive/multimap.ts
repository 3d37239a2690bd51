/** Maps of lists, the shape every archive lookup has (one key, several posts). */

export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function pull<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)?.filter((v) => v !== value);
  if (list && list.length > 0) map.set(key, list);
  else map.delete(key);
}
