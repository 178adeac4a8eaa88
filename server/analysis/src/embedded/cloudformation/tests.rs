use super::*;

/// The policies of a YAML template as (name, kind, origin).
fn kinds(text: &str) -> Vec<(String, PolicyKind, String)> {
    extract_yaml(text).expect("a template").policies.into_iter().map(|p| (p.name, p.kind, p.origin)).collect()
}

#[test]
fn a_managed_policy_that_is_a_permissions_boundary_is_read_as_one() {
    let text = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: '*', Resource: '*'}]
  Attached:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: !Ref Boundary
      ManagedPolicyArns: [!Ref Attached]
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]
      Policies:
        - PolicyName: app
          PolicyDocument:
            Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]
  OtherRole:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: !GetAtt [Boundary, PolicyArn]
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]
  Operator:
    Type: AWS::IAM::User
    Properties:
      PermissionsBoundary: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/OperatorBoundary'
      Policies:
        - PolicyName: ops
          PolicyDocument:
            Statement: [{Effect: Allow, Action: 's3:ListBucket', Resource: '*'}]
  Plain:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: arn:aws:iam::123456789012:policy/Plain
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]
";
    let found = kinds(text);
    let expected = [
        (
            "Boundary",
            PolicyKind::Boundary,
            "AWS::IAM::ManagedPolicy `Boundary` PolicyDocument (a permissions boundary: the PermissionsBoundary of AWS::IAM::Role `AppRole`)",
        ),
        ("Attached", PolicyKind::Identity, "AWS::IAM::ManagedPolicy `Attached` PolicyDocument (an identity-based policy)"),
        (
            "AppRole",
            PolicyKind::Trust,
            "AWS::IAM::Role `AppRole` AssumeRolePolicyDocument (a role trust policy); the role's permissions boundary: `Boundary`",
        ),
        (
            "AppRole",
            PolicyKind::Identity,
            "AWS::IAM::Role `AppRole` Policies `app` (an identity-based policy); the role's permissions boundary: `Boundary`",
        ),
        (
            "OtherRole",
            PolicyKind::Trust,
            "AWS::IAM::Role `OtherRole` AssumeRolePolicyDocument (a role trust policy); the role's permissions boundary: `Boundary`",
        ),
        (
            "Operator",
            PolicyKind::Identity,
            "AWS::IAM::User `Operator` Policies `ops` (an identity-based policy); the user's permissions boundary: `!Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/OperatorBoundary'`",
        ),
        (
            "Plain",
            PolicyKind::Trust,
            "AWS::IAM::Role `Plain` AssumeRolePolicyDocument (a role trust policy); the role's permissions boundary: `arn:aws:iam::123456789012:policy/Plain`",
        ),
    ];
    let expected: Vec<(String, PolicyKind, String)> =
        expected.iter().map(|(n, k, o)| (n.to_string(), *k, o.to_string())).collect();
    assert_eq!(found, expected);
}

#[test]
fn a_sam_function_notes_its_permissions_boundary() {
    let text = "Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      PermissionsBoundary: arn:aws:iam::123456789012:policy/Boundary
      Policies:
        - Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]
        - S3ReadPolicy: {BucketName: corpus}
";
    let origins: Vec<String> = kinds(text).into_iter().map(|(_, _, o)| o).collect();
    assert_eq!(
        origins,
        [
            "AWS::Serverless::Function `Fn` Policies (an identity-based policy); the role's permissions boundary: `arn:aws:iam::123456789012:policy/Boundary`",
            "AWS::Serverless::Function `Fn` Policies: the SAM policy template `S3ReadPolicy` (an identity-based policy); the role's permissions boundary: `arn:aws:iam::123456789012:policy/Boundary`",
        ]
    );
}
