extension Skeleton {
  /// The skeleton in physical coordinates: every vertex mapped by `info`'s ``SkeletonLayerInfo/transform``
  /// (unchanged when the layer has none). Edges and attributes are kept.
  public func applyingTransform(of info: SkeletonLayerInfo) -> Skeleton {
    guard let matrix = info.transform, matrix.count == 12 else { return self }
    return applyingTransform(matrix)
  }

  /// The skeleton with every vertex `p` mapped to `M · [p, 1]`, where `M` is the 3×4 matrix
  /// `matrix` in row-major order (a layer's `transform`), computed in `Double` and rounded to
  /// `Float` once. A matrix of another size leaves the skeleton unchanged.
  public func applyingTransform(_ matrix: [Double]) -> Skeleton {
    guard matrix.count == 12 else { return self }
    var result = self
    for index in result.vertices.indices {
      let p = vertices[index]
      let (x, y, z) = (Double(p.x), Double(p.y), Double(p.z))
      func row(_ r: Int) -> Float {
        Float(matrix[4 * r] * x + matrix[4 * r + 1] * y + matrix[4 * r + 2] * z + matrix[4 * r + 3])
      }
      result.vertices[index] = Vertex(row(0), row(1), row(2))
    }
    return result
  }
}
