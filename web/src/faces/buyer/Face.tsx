// The buyers' face (its own issue): routes below /buyer/ go here.
import { Routes, Route } from 'react-router'
import { PlaceholderFace } from '../../app/PlaceholderFace'
import { Shell } from '../../ui/Shell'

export function Face() {
  return (
    <Routes>
      <Route element={<Shell nav={[]} />}>
        <Route path="*" element={<PlaceholderFace face="buyer" />} />
      </Route>
    </Routes>
  )
}
